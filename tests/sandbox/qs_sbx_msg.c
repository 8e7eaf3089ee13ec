/*  qs_sbx_msg - see qs_sbx_msg.h */
#include "qs_sbx_msg.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
qs_sbx_resp_clear (qs_sbx_resp_t *resp)
{
    if (!resp)
        return;
    free (resp->body);
    memset (resp, 0, sizeof *resp);
}

int
qs_sbx_resp_text (qs_sbx_resp_t *resp, int status, const char *content_type,
                  const char *text, size_t len)
{
    free (resp->body);
    resp->body = malloc (len + 1);
    if (!resp->body) {
        resp->status = 500;
        resp->body_len = 0;
        return -1;
    }
    memcpy (resp->body, text, len);
    resp->body[len] = '\0';
    resp->body_len = len;
    resp->status = status;
    qs_strlcpy (resp->content_type, content_type, sizeof resp->content_type);
    return 0;
}

int
qs_sbx_resp_json (qs_sbx_resp_t *resp, int status, json_object **obj_p)
{
    json_object *obj = obj_p ? *obj_p : NULL;
    if (obj_p)
        *obj_p = NULL;
    if (!obj) {
        qs_sbx_resp_text (resp, 500, "text/plain", "out of memory\n", 14);
        return -1;
    }
    const char *text = json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = qs_sbx_resp_text (resp, status, "application/json", text, strlen (text));
    json_object_put (obj);
    return rc;
}

int
qs_sbx_resp_error (qs_sbx_resp_t *resp, int status, const char *code,
                   const char *request_id, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (message, sizeof message, fmt, ap);
    va_end (ap);
    json_object *root = json_object_new_object ();
    json_object *err = json_object_new_object ();
    json_object_object_add (err, "code", json_object_new_string (code));
    json_object_object_add (err, "message", json_object_new_string (message));
    json_object_object_add (err, "request_id",
                            request_id ? json_object_new_string (request_id) : NULL);
    json_object_object_add (root, "error", err);
    return qs_sbx_resp_json (resp, status, &root);
}

static int
s_hex (int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower (c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int
qs_sbx_query_get (const char *query, const char *name, char *out, size_t size)
{
    if (!query || !name || size == 0)
        return 0;
    size_t nlen = strlen (name);
    const char *p = query;
    while (*p) {
        const char *end = strchr (p, '&');
        if (!end)
            end = p + strlen (p);
        if ((size_t) (end - p) >= nlen && !strncmp (p, name, nlen)
            && (p[nlen] == '=' || p + nlen == end)) {
            const char *v = p[nlen] == '=' ? p + nlen + 1 : end;
            size_t o = 0;
            while (v < end && o + 1 < size) {
                if (*v == '%' && end - v >= 3 && s_hex (v[1]) >= 0 && s_hex (v[2]) >= 0) {
                    out[o++] = (char) (s_hex (v[1]) * 16 + s_hex (v[2]));
                    v += 3;
                }
                else {
                    out[o++] = *v == '+' ? ' ' : *v;
                    v++;
                }
            }
            out[o] = '\0';
            return 1;
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}

json_object *
qs_sbx_json_num (double value)
{
    char text[64];
    snprintf (text, sizeof text, "%.10g", value);
    /* json-c would otherwise print 17 digits: 29.200000000000003 */
    if (!strpbrk (text, ".eEn"))
        qs_strlcpy (text + strlen (text), ".0", sizeof text - strlen (text));
    return json_object_new_double_s (value, text);
}

json_object *
qs_sbx_json_time (int64_t epoch_ms)
{
    char text[32];
    time_t secs = (time_t) (epoch_ms / 1000);
    struct tm tm;
    gmtime_r (&secs, &tm);
    strftime (text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_object_new_string (text);
}
