/*  qs_util - see qs_util.h */
#include "qs_util.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>
#include <pthread.h>
#include <sys/random.h>

int64_t
qs_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
qs_mono_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
s_getrandom (unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t got = getrandom (p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got;
        n -= (size_t) got;
    }
    return 0;
}

/*  Every request makes ids (the request's, a conversation's, messages'):
    one getrandom per 512 bytes instead of one per id. Bytes are handed out
    once; a forked child drops what its parent's thread had left, so parent
    and child never share an id. */
#define S_POOL 512
static __thread unsigned char s_pool[S_POOL];
static __thread size_t s_pool_left;
static pthread_once_t s_pool_once = PTHREAD_ONCE_INIT;

static void
s_pool_forked (void)
{
    explicit_bzero (s_pool, sizeof s_pool);
    s_pool_left = 0;
}

static void
s_pool_init (void)
{
    pthread_atfork (NULL, NULL, s_pool_forked);
}

int
qs_random_bytes (void *buf, size_t n)
{
    if (n > S_POOL / 4)
        return s_getrandom (buf, n);
    pthread_once (&s_pool_once, s_pool_init);
    if (s_pool_left < n) {
        if (s_getrandom (s_pool, S_POOL) != 0)
            return -1;
        s_pool_left = S_POOL;
    }
    unsigned char *from = s_pool + (S_POOL - s_pool_left);
    memcpy (buf, from, n);
    explicit_bzero (from, n);           /* never handed out twice, not left in memory */
    s_pool_left -= n;
    return 0;
}

static const char s_b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
qs_id_new (char out[QS_ID_LEN + 1])
{
    /* 18 random bytes = 144 bits = 24 base64url characters, no padding */
    unsigned char raw[18];
    if (qs_random_bytes (raw, sizeof raw) != 0)
        return -1;
    for (int i = 0, o = 0; i < 18; i += 3) {
        unsigned v = (unsigned) raw[i] << 16 | (unsigned) raw[i + 1] << 8 | raw[i + 2];
        out[o++] = s_b64url[(v >> 18) & 63];
        out[o++] = s_b64url[(v >> 12) & 63];
        out[o++] = s_b64url[(v >> 6) & 63];
        out[o++] = s_b64url[v & 63];
    }
    out[QS_ID_LEN] = '\0';
    return 0;
}

bool
qs_id_valid (const char *s)
{
    if (!s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        if (n >= QS_ID_LEN || !strchr (s_b64url, s[n]))
            return false;
    }
    return n == QS_ID_LEN;
}

char *
qs_time_rfc3339 (int64_t epoch_ms, char *out, size_t size)
{
    time_t secs = (time_t) (epoch_ms / 1000);
    struct tm tm;
    gmtime_r (&secs, &tm);
    snprintf (out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
              (int) (epoch_ms % 1000));
    return out;
}

int
qs_time_parse (const char *text, int64_t *epoch_ms)
{
    if (!text)
        return -1;
    struct tm tm = {0};
    int consumed = 0;
    if (sscanf (text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31
        || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const char *p = text + consumed;
    int ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++)
            ms *= 10;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z')
        p++;
    else if (*p == '+' || *p == '-') {
        int hh, mm;
        if (sscanf (p + 1, "%2d:%2d", &hh, &mm) != 2)
            return -1;
        offset = (hh * 3600L + mm * 60L) * (*p == '+' ? 1 : -1);
        p += 6;
    }
    else
        return -1;
    if (*p)
        return -1;
    time_t secs = timegm (&tm);
    *epoch_ms = ((int64_t) secs - offset) * 1000 + ms;
    return 0;
}

size_t
qs_strlcpy (char *dst, const char *src, size_t size)
{
    size_t len = strlen (src);
    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy (dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

long
qs_utf8_length (const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *) s;
    long count = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t need;
        unsigned cp;
        if (c == 0)
            return -1;
        if (c < 0x80) { i++; count++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
        else return -1;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (p[i + k] & 0xC0) != 0x80)
                return -1;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF))
            || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += need + 1;
        count++;
    }
    return count;
}

char *
qs_strdupf (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    char *out = NULL;
    if (vasprintf (&out, fmt, ap) < 0)
        out = NULL;
    va_end (ap);
    return out;
}

bool
qs_list_has (const char *list, const char *item)
{
    size_t n = item ? strlen (item) : 0;
    for (const char *p = list; n && p && *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *last = end;
        while (last > p && last[-1] == ' ')
            last--;
        if ((size_t) (last - p) == n && !strncasecmp (p, item, n))
            return true;
        p = end;
    }
    return false;
}

int
qs_edit_distance (const char *a, const char *b, int max)
{
    size_t la = strlen (a), lb = strlen (b);
    if ((la > lb ? la - lb : lb - la) > (size_t) max)
        return max + 1;
    if (lb > 63)
        return strcmp (a, b) ? max + 1 : 0;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int) j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0], best = row[0] = (int) i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = tolower ((unsigned char) a[i - 1]) != tolower ((unsigned char) b[j - 1]);
            int v = diag + cost;
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
    }
    return row[lb];
}

static int
s_base64_value (unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

long
qs_base64_decode (const char *src, size_t len, unsigned char *dst, size_t size)
{
    if (len % 4)
        return -1;
    size_t out = 0;
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        int v [4], pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char) src [i + k];
            //  '=' only ends the last quantum: "xx==" or "xxx="
            if (c == '=' && last && k >= 2 && (k == 3 || src [i + 3] == '=')) {
                v [k] = 0;
                pad++;
            }
            else
            if ((v [k] = s_base64_value (c)) < 0)
                return -1;
        }
        uint32_t q = (uint32_t) v [0] << 18 | (uint32_t) v [1] << 12 | (uint32_t) v [2] << 6 | (uint32_t) v [3];
        //  canonical: the bits the padding drops are zero
        if ((pad == 1 && (v [2] & 3)) || (pad == 2 && (v [1] & 15)))
            return -1;
        size_t n = (size_t) (3 - pad);
        if (out + n > size)
            return -1;
        unsigned char bytes [3] = { (unsigned char) (q >> 16), (unsigned char) (q >> 8), (unsigned char) q };
        memcpy (dst + out, bytes, n);
        out += n;
    }
    return (long) out;
}
