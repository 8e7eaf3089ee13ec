/*  qs_buf - a growable, always-terminated byte buffer with a size cap.

    Appends grow the buffer up to its max; the first append that would pass
    the max or that runs out of memory fails, and the buffer then stays
    failed (later appends do nothing and return -1) so a caller can make many
    appends and check once. A buffer belongs to one thread. */
#ifndef QS_BUF_H
#define QS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct _qs_buf_t qs_buf_t;

/*  New empty buffer holding at most max bytes (terminator not counted;
    0 = 8 MiB). NULL when out of memory. */
qs_buf_t *qs_buf_new (size_t max);

/*  Free the buffer and null *self_p; accepts NULL. */
void qs_buf_destroy (qs_buf_t **self_p);

/*  Append n bytes (they may hold NULs). 0, or -1 when the buffer would pass
    its max, is out of memory or had already failed. */
int qs_buf_append (qs_buf_t *self, const void *bytes, size_t n);

/*  Append a NUL-terminated string. 0 or -1 as qs_buf_append. */
int qs_buf_puts (qs_buf_t *self, const char *text);

/*  Append a printf result. 0 or -1 as qs_buf_append. */
int qs_buf_printf (qs_buf_t *self, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
int qs_buf_vprintf (qs_buf_t *self, const char *fmt, va_list args);

/*  The bytes so far, always terminated ("" when empty). Lent: valid until
    the next call that changes the buffer. */
const char *qs_buf_data (const qs_buf_t *self);

/*  Number of bytes so far (terminator not counted). */
size_t qs_buf_len (const qs_buf_t *self);

/*  Take the bytes as a terminated heap string (caller frees; "" when empty)
    and leave the buffer empty and usable. NULL when out of memory or when
    the buffer had failed (the failure is then cleared). */
char *qs_buf_steal (qs_buf_t *self);

/*  Drop the contents and any failure; memory is kept for reuse. */
void qs_buf_reset (qs_buf_t *self);

/*  Why the buffer failed ("too large", "out of memory"), or NULL when it
    has not. Lent, static text. */
const char *qs_buf_error (const qs_buf_t *self);

#endif
