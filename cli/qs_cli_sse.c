/*  qs_cli_sse - see qs_cli_sse.h */
#include "qs_cli_sse.h"
#include "qs_util.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct _qs_cli_sse_t {
    qs_cli_sse_fn *fn;
    void *arg;
    char *line;             // the current, incomplete line
    size_t line_len, line_cap;
    char *data;             // data lines of the current event, joined by \n
    size_t data_len, data_cap;
    char event[64];
    int has_data;
};

qs_cli_sse_t *
qs_cli_sse_new (qs_cli_sse_fn *fn, void *arg)
{
    assert (fn);
    qs_cli_sse_t *self = calloc (1, sizeof *self);
    if (self) {
        self->fn = fn;
        self->arg = arg;
    }
    return self;
}

void
qs_cli_sse_destroy (qs_cli_sse_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->line);
    free ((*self_p)->data);
    free (*self_p);
    *self_p = NULL;
}

static int
s_append (char **buf, size_t *len, size_t *cap, const char *bytes, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t want = *cap ? *cap : 256;
        while (want < *len + n + 1)
            want *= 2;
        char *grown = realloc (*buf, want);
        if (!grown)
            return -1;
        *buf = grown;
        *cap = want;
    }
    memcpy (*buf + *len, bytes, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static int
s_dispatch (qs_cli_sse_t *self)
{
    int rc = 0;
    if (self->has_data)
        rc = self->fn (self->event[0] ? self->event : "message", self->data ? self->data : "",
                       self->arg);
    self->event[0] = '\0';
    self->data_len = 0;
    if (self->data)
        self->data[0] = '\0';
    self->has_data = 0;
    return rc;
}

//  One complete line (without its end): a field, a comment or the blank line
//  that ends an event.
static int
s_line (qs_cli_sse_t *self, char *line, size_t len)
{
    if (len == 0)
        return s_dispatch (self);
    if (line[0] == ':')
        return 0;
    char *colon = memchr (line, ':', len);
    size_t name_len = colon ? (size_t) (colon - line) : len;
    const char *value = colon ? colon + 1 : "";
    size_t value_len = colon ? len - name_len - 1 : 0;
    if (value_len > 0 && *value == ' ') {
        value++;
        value_len--;
    }
    if (name_len == 5 && !memcmp (line, "event", 5)) {
        size_t n = value_len < sizeof self->event - 1 ? value_len : sizeof self->event - 1;
        memcpy (self->event, value, n);
        self->event[n] = '\0';
    }
    else if (name_len == 4 && !memcmp (line, "data", 4)) {
        if (self->has_data && s_append (&self->data, &self->data_len, &self->data_cap, "\n", 1))
            return -1;
        if (s_append (&self->data, &self->data_len, &self->data_cap, value, value_len))
            return -1;
        self->has_data = 1;
    }
    return 0;   // id:, retry: and unknown fields mean nothing to us
}

int
qs_cli_sse_feed (qs_cli_sse_t *self, const char *bytes, size_t len)
{
    assert (self);
    for (size_t i = 0; i < len; i++) {
        char c = bytes[i];
        if (c == '\n') {
            size_t n = self->line_len;
            if (n > 0 && self->line[n - 1] == '\r')
                n--;
            int rc = s_line (self, self->line ? self->line : (char *) "", n);
            self->line_len = 0;
            if (rc != 0)
                return -1;
        }
        else if (s_append (&self->line, &self->line_len, &self->line_cap, &c, 1))
            return -1;
    }
    return 0;
}
