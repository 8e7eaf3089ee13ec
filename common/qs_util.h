/*  qs_util - time, ids and small string helpers shared by every process. */
#ifndef QS_UTIL_H
#define QS_UTIL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define QS_ID_LEN 24        /* characters of an id, without the terminator */

/*  Milliseconds since the epoch (wall clock) and monotonic milliseconds. */
int64_t qs_now_ms (void);
int64_t qs_mono_ms (void);

/*  Write a new opaque URL-safe id (128 random bits, base64url, 22 chars +
    prefix-free) into out[QS_ID_LEN + 1]. Returns 0, or -1 when the system has
    no randomness. */
int qs_id_new (char out[QS_ID_LEN + 1]);

/*  True when s looks like an id qs_id_new could produce (length and alphabet).
    Used to turn malformed ids into 404 before any query. */
bool qs_id_valid (const char *s);

/*  Fill buf with n random bytes from the kernel (small requests from a
    per-thread pool refilled 512 bytes at a time, never handed out twice,
    dropped in a forked child). 0 or -1. */
int qs_random_bytes (void *buf, size_t n);

/*  Format epoch ms as RFC 3339 UTC with milliseconds ("2026-11-24T05:00:00.000Z")
    into out (at least 25 bytes). Returns out. */
char *qs_time_rfc3339 (int64_t epoch_ms, char *out, size_t size);

/*  Parse RFC 3339 (Z or +hh:mm offset, optional fraction). -1 on error. */
int qs_time_parse (const char *text, int64_t *epoch_ms);

/*  Bounded copy: copies at most size-1 bytes and always terminates (size>0).
    Returns the length of src (so truncation is len >= size). */
size_t qs_strlcpy (char *dst, const char *src, size_t size);

/*  Number of Unicode code points in a UTF-8 string, or -1 if the bytes are
    not valid UTF-8 (overlongs, surrogates and NUL-free check included). */
long qs_utf8_length (const char *s, size_t len);

/*  True when list (a comma list such as "a.example, B.example"; spaces
    around items ignored; may be NULL) holds item, ignoring case. An empty
    item is never listed. */
bool qs_list_has (const char *list, const char *item);

/*  Heap copy of a printf result. Caller frees. NULL on allocation failure. */
char *qs_strdupf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/*  Levenshtein distance of a and b ignoring ASCII case, or max + 1 as soon
    as it must exceed max (the forgiving service-name match of both the
    intent and the workflow services). Strings over 63 bytes only match
    exactly. */
int qs_edit_distance (const char *a, const char *b, int max);

/*  Decode standard base64 (RFC 4648 section 4, '=' padding required, no
    whitespace) of src[0..len) into dst. Returns the number of bytes written,
    or -1 when the text is not canonical base64 or dst (size bytes) is too
    small. dst is not terminated. */
long qs_base64_decode (const char *src, size_t len, unsigned char *dst, size_t size);

#endif
