/*  fuzz_common - tiny helpers shared by the fuzz targets (header only so each
    target stays one translation unit plus its replay main). */
#ifndef QS_FUZZ_COMMON_H
#define QS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"

/*  An invariant of the code under test is broken: report and abort, so
    libFuzzer keeps the input as a crash and the replay test fails. */
#define QS_FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf (stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort (); \
        } \
    } while (0)

/*  A terminated heap copy of n bytes (the input itself is not terminated). */
static inline char *
qs_fuzz_strndup (const uint8_t *data, size_t n)
{
    char *s = (char *) malloc (n + 1);
    if (!s)
        abort ();
    memcpy (s, data, n);
    s[n] = '\0';
    return s;
}

/*  What a module hands out goes to clients as JSON: it must parse back
    (json-c writes NaN and Infinity, which no JSON parser accepts). */
static inline void
qs_fuzz_valid_json (json_object *obj)
{
    const char *text = qs_json_text (obj);
    QS_FUZZ_CHECK (text);
    const char *why;
    json_object *again = qs_json_parse (text, strlen (text), &why);
    if (!again)
        fprintf (stderr, "output is not JSON (%s): %.300s\n", why, text);
    QS_FUZZ_CHECK (again);
    json_object_put (again);
}

#endif
