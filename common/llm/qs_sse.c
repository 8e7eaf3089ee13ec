/*  qs_sse - see qs_sse.h */
#include "qs_sse.h"
#include <stdlib.h>
#include <string.h>

struct _qs_sse_t {
    qs_sse_event_fn *fn;
    void *arg;
    size_t max_event;
    char *line;             /* the current, unfinished line */
    size_t line_len, line_cap;
    char *data;             /* data lines of the current event, joined by '\n' */
    size_t data_len, data_cap;
    int has_data;
    char event[64];
    int last_cr;            /* previous byte was '\r': a following '\n' is the same break */
};

qs_sse_t *
qs_sse_new (qs_sse_event_fn *fn, void *arg, size_t max_event)
{
    qs_sse_t *self = (qs_sse_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->fn = fn;
    self->arg = arg;
    self->max_event = max_event ? max_event : 1024 * 1024;
    return self;
}

void
qs_sse_destroy (qs_sse_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_sse_t *self = *self_p;
    free (self->line);
    free (self->data);
    free (self);
    *self_p = NULL;
}

static int
s_append (char **buf, size_t *len, size_t *cap, const char *bytes, size_t n, size_t max)
{
    if (*len + n + 1 > max)
        return -1;
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 256;
        while (ncap < *len + n + 1)
            ncap *= 2;
        char *nb = (char *) realloc (*buf, ncap);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = ncap;
    }
    memcpy (*buf + *len, bytes, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static int
s_dispatch (qs_sse_t *self)
{
    int rc = 0;
    if (self->has_data)
        rc = self->fn (self->event[0] ? self->event : "message",
                       self->data ? self->data : "", self->data_len, self->arg);
    self->data_len = 0;
    if (self->data)
        self->data[0] = '\0';
    self->has_data = 0;
    self->event[0] = '\0';
    return rc;
}

static int
s_line (qs_sse_t *self)
{
    const char *line = self->line ? self->line : "";
    size_t len = self->line_len;
    if (len == 0)
        return s_dispatch (self);
    if (line[0] == ':')
        return 0;
    const char *colon = memchr (line, ':', len);
    size_t flen = colon ? (size_t) (colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    if (colon && *value == ' ')
        value++;
    size_t vlen = (size_t) (line + len - value);
    if (flen == 4 && memcmp (line, "data", 4) == 0) {
        if (self->has_data && s_append (&self->data, &self->data_len, &self->data_cap,
                                        "\n", 1, self->max_event))
            return -1;
        if (s_append (&self->data, &self->data_len, &self->data_cap, value, vlen,
                      self->max_event))
            return -1;
        self->has_data = 1;
    }
    else
    if (flen == 5 && memcmp (line, "event", 5) == 0) {
        size_t n = vlen < sizeof self->event - 1 ? vlen : sizeof self->event - 1;
        memcpy (self->event, value, n);
        self->event[n] = '\0';
    }
    return 0;
}

int
qs_sse_feed (qs_sse_t *self, const char *bytes, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char c = bytes[i];
        if (c == '\n' && self->last_cr) {
            self->last_cr = 0;
            i++;
            continue;
        }
        self->last_cr = 0;
        if (c == '\r' || c == '\n') {
            self->last_cr = c == '\r';
            int rc = s_line (self);
            self->line_len = 0;
            if (rc)
                return rc;
            i++;
            continue;
        }
        /* copy the run of ordinary bytes in one go */
        size_t j = i;
        while (j < len && bytes[j] != '\r' && bytes[j] != '\n')
            j++;
        if (s_append (&self->line, &self->line_len, &self->line_cap, bytes + i, j - i,
                      self->max_event))
            return -1;
        i = j;
    }
    return 0;
}

int
qs_sse_pending (qs_sse_t *self)
{
    return self->line_len > 0 || self->has_data;
}
