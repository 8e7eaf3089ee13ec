/*  qs_jcs - see qs_jcs.h. */
#include "qs_jcs.h"
#include "qs_util.h"
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JCS_DEPTH_MAX 64

int
qs_jcs_number (double d, char *out, size_t size)
{
    if (!isfinite (d) || size < 32)
        return -1;
    if (d == 0) {                       /* -0 prints as 0 too */
        snprintf (out, size, "0");
        return 0;
    }
    //  The shortest decimal that reads back as d: try 1..17 significant digits
    char sci[40];
    for (int p = 0; p < 17; p++) {
        snprintf (sci, sizeof sci, "%.*e", p, d);
        if (strtod (sci, NULL) == d)
            break;
    }
    //  sci is [-]D[.DDD]e[+-]X: split into the digit string and n, the
    //  position of the decimal point (value = 0.digits x 10^n)
    const char *p = sci;
    bool negative = *p == '-';
    if (negative)
        p++;
    char digits[24];
    size_t k = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && k < sizeof digits - 1)
            digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = 0;
    int n = atoi (p + 1) + 1;
    char *o = out;
    size_t room = size;
    int w = snprintf (o, room, "%s", negative ? "-" : "");
    o += w, room -= (size_t) w;
    if ((int) k <= n && n <= 21)
        snprintf (o, room, "%s%.*s", digits, n - (int) k, "000000000000000000000");
    else
    if (0 < n && n <= 21)
        snprintf (o, room, "%.*s.%s", n, digits, digits + n);
    else
    if (-6 < n && n <= 0)
        snprintf (o, room, "0.%.*s%s", -n, "000000", digits);
    else
    if (k == 1)
        snprintf (o, room, "%se%c%d", digits, n - 1 < 0 ? '-' : '+', abs (n - 1));
    else
        snprintf (o, room, "%c.%se%c%d", digits[0], digits + 1, n - 1 < 0 ? '-' : '+', abs (n - 1));
    return 0;
}

/*  The next code point of s (len bytes left), or -1 on bad UTF-8; *used
    gets its length. Overlongs, surrogates and > U+10FFFF are bad. */
static long
s_code_point (const unsigned char *s, size_t len, size_t *used)
{
    unsigned c = s[0];
    size_t need = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!need || need > len)
        return -1;
    long cp = need == 1 ? c : need == 2 ? c & 0x1f : need == 3 ? c & 0x0f : c & 0x07;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const long min_for[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *used = need;
    return cp;
}

/*  Member names compare by UTF-16 code units (RFC 8785 3.2.3): code points
    above U+FFFF sort as their high surrogate, i.e. below U+E000..U+FFFF. */
static int
s_utf16_cmp (const void *a, const void *b)
{
    const unsigned char *x = *(const unsigned char *const *) a;
    const unsigned char *y = *(const unsigned char *const *) b;
    size_t lx = strlen ((const char *) x), ly = strlen ((const char *) y);
    while (lx && ly) {
        size_t ux = 1, uy = 1;
        long cx = s_code_point (x, lx, &ux), cy = s_code_point (y, ly, &uy);
        //  names were validated before sorting; keep byte order otherwise
        long kx = cx > 0xffff ? 0xd800 + ((cx - 0x10000) >> 10) : cx < 0 ? x[0] : cx;
        long ky = cy > 0xffff ? 0xd800 + ((cy - 0x10000) >> 10) : cy < 0 ? y[0] : cy;
        if (kx != ky)
            return kx < ky ? -1 : 1;
        if (cx > 0xffff && cy > 0xffff) {
            long lox = 0xdc00 + ((cx - 0x10000) & 0x3ff), loy = 0xdc00 + ((cy - 0x10000) & 0x3ff);
            if (lox != loy)
                return lox < loy ? -1 : 1;
        }
        x += ux, lx -= ux;
        y += uy, ly -= uy;
    }
    return lx ? 1 : ly ? -1 : 0;
}

static int
s_string (FILE *f, const char *text, size_t len, qs_err_t *err)
{
    const unsigned char *s = (const unsigned char *) text;
    fputc ('"', f);
    for (size_t i = 0; i < len;) {
        size_t used = 1;
        if (s_code_point (s + i, len - i, &used) < 0)
            return qs_err_set (err, 422, "invalid_input", "a string is not valid UTF-8");
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            fprintf (f, "\\%c", c);
        else
        if (c < 0x20) {
            const char *named = c == '\b' ? "\\b" : c == '\t' ? "\\t" : c == '\n' ? "\\n"
                              : c == '\f' ? "\\f" : c == '\r' ? "\\r" : NULL;
            if (named)
                fputs (named, f);
            else
                fprintf (f, "\\u%04x", c);
        }
        else
            fwrite (s + i, 1, used, f);
        i += used;
    }
    fputc ('"', f);
    return 0;
}

static int
s_value (FILE *f, json_object *v, int depth, qs_err_t *err)
{
    if (depth > JCS_DEPTH_MAX)
        return qs_err_set (err, 400, "bad_request", "JSON nested deeper than %d levels", JCS_DEPTH_MAX);
    char num[40];
    switch (json_object_get_type (v)) {
        case json_type_null:
            fputs ("null", f);
            return 0;
        case json_type_boolean:
            fputs (json_object_get_boolean (v) ? "true" : "false", f);
            return 0;
        case json_type_int: {
            //  JSON numbers are IEEE doubles to RFC 8785: exact up to 2^53
            int64_t i = json_object_get_int64 (v);
            if (i >= -(INT64_C (1) << 53) && i <= (INT64_C (1) << 53))
                fprintf (f, "%lld", (long long) i);
            else {
                qs_jcs_number ((double) i, num, sizeof num);
                fputs (num, f);
            }
            return 0;
        }
        case json_type_double:
            if (qs_jcs_number (json_object_get_double (v), num, sizeof num) != 0)
                return qs_err_set (err, 422, "invalid_input", "NaN and infinity have no JSON form");
            fputs (num, f);
            return 0;
        case json_type_string:
            return s_string (f, json_object_get_string (v), (size_t) json_object_get_string_len (v), err);
        case json_type_array: {
            fputc ('[', f);
            size_t n = json_object_array_length (v);
            for (size_t i = 0; i < n; i++) {
                if (i)
                    fputc (',', f);
                if (s_value (f, json_object_array_get_idx (v, i), depth + 1, err) != 0)
                    return -1;
            }
            fputc (']', f);
            return 0;
        }
        case json_type_object: {
            size_t n = (size_t) json_object_object_length (v), k = 0;
            const char **keys = calloc (n ? n : 1, sizeof *keys);
            if (!keys)
                return qs_err_set (err, 500, "internal_error", "out of memory");
            int rc = 0;
            json_object_object_foreach (v, key, val) {
                (void) val;
                size_t used;
                for (size_t i = 0; key[i] && rc == 0; i += used)
                    if (s_code_point ((const unsigned char *) key + i, strlen (key + i), &used) < 0) {
                        rc = qs_err_set (err, 422, "invalid_input", "a member name is not valid UTF-8");
                        break;          /* used is stale: stepping on could pass the end */
                    }
                keys[k++] = key;
            }
            qsort (keys, k, sizeof *keys, s_utf16_cmp);
            fputc ('{', f);
            for (size_t i = 0; i < k && rc == 0; i++) {
                if (i)
                    fputc (',', f);
                rc = s_string (f, keys[i], strlen (keys[i]), err);
                fputc (':', f);
                if (rc == 0)
                    rc = s_value (f, json_object_object_get (v, keys[i]), depth + 1, err);
            }
            fputc ('}', f);
            free (keys);
            return rc;
        }
    }
    return qs_err_set (err, 422, "invalid_input", "unknown JSON type");
}

char *
qs_jcs_serialize (json_object *value, qs_err_t *err)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream (&text, &size);
    if (!f) {
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    int rc = s_value (f, value, 0, err);
    if (fclose (f) != 0 && rc == 0)
        rc = qs_err_set (err, 500, "internal_error", "out of memory");
    if (rc != 0) {
        free (text);
        return NULL;
    }
    return text;
}
