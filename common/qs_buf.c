/*  qs_buf - see qs_buf.h */
#include "qs_buf.h"
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DEFAULT_MAX (8u << 20)

struct _qs_buf_t {
    char *data;             /* NULL until the first append */
    size_t len, cap, max;
    const char *error;      /* sticky: the first failure */
};

qs_buf_t *
qs_buf_new (size_t max)
{
    qs_buf_t *self = calloc (1, sizeof *self);
    if (self)
        self->max = max ? max : S_DEFAULT_MAX;
    return self;
}

void
qs_buf_destroy (qs_buf_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->data);
    free (*self_p);
    *self_p = NULL;
}

/*  Room for want more bytes and the terminator. 0 or -1 (failure recorded). */
static int
s_reserve (qs_buf_t *self, size_t want)
{
    if (self->error)
        return -1;
    if (want > self->max - self->len) {
        self->error = "too large";
        return -1;
    }
    size_t need = self->len + want + 1;
    if (need <= self->cap)
        return 0;
    size_t cap = self->cap ? self->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *grown = realloc (self->data, cap);
    if (!grown) {
        self->error = "out of memory";
        return -1;
    }
    self->data = grown;
    self->cap = cap;
    return 0;
}

int
qs_buf_append (qs_buf_t *self, const void *bytes, size_t n)
{
    assert (self);
    assert (bytes || n == 0);
    if (s_reserve (self, n))
        return -1;
    if (n)
        memcpy (self->data + self->len, bytes, n);
    self->len += n;
    if (self->data)
        self->data[self->len] = '\0';
    return 0;
}

int
qs_buf_puts (qs_buf_t *self, const char *text)
{
    assert (text);
    return qs_buf_append (self, text, strlen (text));
}

int
qs_buf_vprintf (qs_buf_t *self, const char *fmt, va_list args)
{
    assert (self && fmt);
    va_list copy;
    va_copy (copy, args);
    int n = vsnprintf (NULL, 0, fmt, copy);
    va_end (copy);
    if (n < 0) {
        if (!self->error)
            self->error = "bad format";
        return -1;
    }
    if (s_reserve (self, (size_t) n))
        return -1;
    vsnprintf (self->data + self->len, (size_t) n + 1, fmt, args);
    self->len += (size_t) n;
    return 0;
}

int
qs_buf_printf (qs_buf_t *self, const char *fmt, ...)
{
    va_list args;
    va_start (args, fmt);
    int rc = qs_buf_vprintf (self, fmt, args);
    va_end (args);
    return rc;
}

const char *
qs_buf_data (const qs_buf_t *self)
{
    assert (self);
    return self->data ? self->data : "";
}

size_t
qs_buf_len (const qs_buf_t *self)
{
    assert (self);
    return self->len;
}

char *
qs_buf_steal (qs_buf_t *self)
{
    assert (self);
    char *out = NULL;
    if (!self->error)
        out = self->data ? self->data : strdup ("");
    if (self->data && !out)
        free (self->data);
    self->data = NULL;
    self->len = self->cap = 0;
    self->error = NULL;
    return out;
}

void
qs_buf_reset (qs_buf_t *self)
{
    assert (self);
    self->len = 0;
    if (self->data)
        self->data[0] = '\0';
    self->error = NULL;
}

const char *
qs_buf_error (const qs_buf_t *self)
{
    assert (self);
    return self->error;
}
