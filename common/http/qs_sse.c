/*  qs_sse - see qs_sse.h */
#include "qs_sse.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "qs_buf.h"

struct _qs_sse_t {
    qs_sse_event_fn *fn;
    void *arg;
    qs_buf_t *line;         /* the current, unfinished line */
    qs_buf_t *data;         /* data lines of the current event, joined by '\n' */
    int has_data;
    char event[64];
    char id[256];
    int last_cr;            /* previous byte was '\r': a following '\n' is the same break */
    int started;            /* a line was seen: a byte-order mark can only come first */
};

qs_sse_t *
qs_sse_new (qs_sse_event_fn *fn, void *arg, size_t max_event)
{
    assert (fn);
    qs_sse_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->fn = fn;
    self->arg = arg;
    if (!max_event)
        max_event = 1024 * 1024;
    /* the caps count the terminator, as the event limit always did */
    self->line = qs_buf_new (max_event - 1);
    self->data = qs_buf_new (max_event - 1);
    if (!self->line || !self->data || max_event < 2)
        qs_sse_destroy (&self);
    return self;
}

void
qs_sse_destroy (qs_sse_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_buf_destroy (&(*self_p)->line);
    qs_buf_destroy (&(*self_p)->data);
    free (*self_p);
    *self_p = NULL;
}

static int
s_dispatch (qs_sse_t *self)
{
    int rc = 0;
    if (self->has_data) {
        qs_sse_event_t ev = {
            .name = self->event[0] ? self->event : "message",
            .data = qs_buf_data (self->data),
            .len = qs_buf_len (self->data),
            .id = self->id,
        };
        rc = self->fn (&ev, self->arg);
    }
    qs_buf_reset (self->data);
    self->has_data = 0;
    self->event[0] = '\0';
    return rc;
}

/*  Copy a field value into a fixed, terminated field (truncating). */
static void
s_set (char *field, size_t size, const char *value, size_t len)
{
    size_t n = len < size - 1 ? len : size - 1;
    memcpy (field, value, n);
    field[n] = '\0';
}

/*  One complete line (without its end): a field, a comment or the blank line
    that ends an event. */
static int
s_line (qs_sse_t *self)
{
    const char *line = qs_buf_data (self->line);
    size_t len = qs_buf_len (self->line);
    if (!self->started && len >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    self->started = 1;
    if (len == 0)
        return s_dispatch (self);
    if (line[0] == ':')
        return 0;
    const char *colon = memchr (line, ':', len);
    size_t flen = colon ? (size_t) (colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    if (colon && value < line + len && *value == ' ')
        value++;
    size_t vlen = (size_t) (line + len - value);
    if (flen == 4 && memcmp (line, "data", 4) == 0) {
        if ((self->has_data && qs_buf_append (self->data, "\n", 1))
            || qs_buf_append (self->data, value, vlen))
            return -1;
        self->has_data = 1;
    }
    else
    if (flen == 5 && memcmp (line, "event", 5) == 0)
        s_set (self->event, sizeof self->event, value, vlen);
    else
    if (flen == 2 && memcmp (line, "id", 2) == 0 && !memchr (value, '\0', vlen))
        s_set (self->id, sizeof self->id, value, vlen);
    return 0;
}

int
qs_sse_feed (qs_sse_t *self, const char *bytes, size_t len)
{
    assert (self);
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
            qs_buf_reset (self->line);
            if (rc)
                return rc;
            i++;
            continue;
        }
        /* copy the run of ordinary bytes in one go */
        size_t j = i;
        while (j < len && bytes[j] != '\r' && bytes[j] != '\n')
            j++;
        if (qs_buf_append (self->line, bytes + i, j - i))
            return -1;
        i = j;
    }
    return 0;
}

int
qs_sse_pending (qs_sse_t *self)
{
    return qs_buf_len (self->line) > 0 || self->has_data;
}
