/*  qs_gwreq - see qs_gwreq.h */
#include "qs_gwreq.h"
#include "qs_json.h"
#include "qs_ops.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
s_id_char (char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == ':';
}

bool
qs_gwreq_id_sane (const char *id)
{
    if (!id)
        return false;
    size_t n = 0;
    for (; id[n]; n++)
        if (n >= QS_GWREQ_ID_MAX || !s_id_char (id[n]))
            return false;
    return n > 0;
}

int
qs_gwreq_id (const char *client_id, char out[QS_GWREQ_ID_MAX + 1])
{
    if (qs_gwreq_id_sane (client_id)) {
        qs_strlcpy (out, client_id, QS_GWREQ_ID_MAX + 1);
        return 0;
    }
    char id[QS_ID_LEN + 1];
    if (qs_id_new (id) != 0) {
        out[0] = '\0';
        return -1;
    }
    qs_strlcpy (out, id, QS_GWREQ_ID_MAX + 1);
    return 0;
}

static bool
s_hex_run (const char *s, size_t n, bool *all_zero)
{
    *all_zero = true;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        if (c != '0')
            *all_zero = false;
    }
    return true;
}

bool
qs_gwreq_traceparent_valid (const char *tp)
{
    //  00-<trace 32>-<parent 16>-<flags 2>: 55 characters
    if (!tp || strlen (tp) != 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-')
        return false;
    bool zero;
    if (!s_hex_run (tp, 2, &zero) || strncmp (tp, "ff", 2) == 0)
        return false;
    if (!s_hex_run (tp + 3, 32, &zero) || zero)
        return false;
    if (!s_hex_run (tp + 36, 16, &zero) || zero)
        return false;
    return s_hex_run (tp + 53, 2, &zero);
}

//  origin equals scheme + "://" + host, ignoring case
static bool
s_origin_is (const char *origin, const char *scheme, const char *host)
{
    size_t n = strlen (scheme);
    return !strncasecmp (origin, scheme, n) && !strncmp (origin + n, "://", 3)
        && !strcasecmp (origin + n + 3, host);
}

bool
qs_gwreq_origin_allowed (const char *origin, const char *host, const char *allowed)
{
    if (!origin)
        return true;
    if (host && *host && (s_origin_is (origin, "http", host) || s_origin_is (origin, "https", host)))
        return true;
    return qs_list_has (allowed, origin);
}

bool
qs_gwreq_is_json_type (const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    static const char json[] = "application/json";
    if (strncasecmp (ct, json, sizeof json - 1) != 0)
        return false;
    const char *rest = ct + sizeof json - 1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    return *rest == '\0' || *rest == ';';
}

int
qs_gwreq_parse_body (const char *content_type, const char *body, size_t len,
                     json_object **out_p, qs_err_t *err)
{
    *out_p = NULL;
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
        i++;
    if (!body || i == len) {
        *out_p = json_object_new_object ();
        return *out_p ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
    }
    if (!qs_gwreq_is_json_type (content_type))
        return qs_err_set (err, 415, "unsupported_media_type",
                           "request body must be application/json");
    if (qs_utf8_length (body, len) < 0)
        return qs_err_set (err, 400, "bad_request", "request body is not valid UTF-8");
    const char *why = NULL;
    json_object *obj = qs_json_parse (body, len, &why);
    if (!obj)
        return qs_err_set (err, 400, "bad_request", "request body is not valid JSON: %s",
                           why ? why : "parse error");
    if (!json_object_is_type (obj, json_type_object)) {
        json_object_put (obj);
        return qs_err_set (err, 400, "bad_request", "request body must be a JSON object");
    }
    *out_p = obj;
    return 0;
}

int
qs_gwreq_validate_chat (json_object *body, qs_err_t *err)
{
    return qs_ops_validate_chat (NULL, body, err);
}

static int
s_hexval (char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

//  Percent-decode src[0..len) into a new string; NULL when malformed.
static char *
s_decode (const char *src, size_t len)
{
    char *out = malloc (len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == '%') {
            if (i + 2 >= len) {
                free (out);
                return NULL;
            }
            int hi = s_hexval (src[i + 1]), lo = s_hexval (src[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free (out);
                return NULL;
            }
            out[o++] = (char) (hi << 4 | lo);
            i += 2;
        }
        else
            out[o++] = src[i] == '+' ? ' ' : src[i];
    }
    out[o] = '\0';
    if (qs_utf8_length (out, o) < 0) {
        free (out);
        return NULL;
    }
    return out;
}

int
qs_gwreq_add_query (json_object *obj, const char *query, qs_err_t *err)
{
    if (!query || !*query)
        return 0;
    int count = 0;
    const char *p = query;
    while (*p) {
        const char *end = strchr (p, '&');
        size_t plen = end ? (size_t) (end - p) : strlen (p);
        if (plen > 0) {
            if (++count > QS_GWREQ_MAX_QUERY_PARAMS)
                return qs_err_set (err, 400, "bad_request", "too many query parameters");
            const char *eq = memchr (p, '=', plen);
            size_t klen = eq ? (size_t) (eq - p) : plen;
            char *key = s_decode (p, klen);
            char *val = eq ? s_decode (eq + 1, plen - klen - 1) : strdup ("");
            if (!key || !val || !*key) {
                free (key);
                free (val);
                return qs_err_set (err, 400, "bad_request", "malformed query string");
            }
            int rc = 0;
            if (!json_object_object_get_ex (obj, key, NULL))
                rc = qs_json_add_str (obj, key, val);
            free (key);
            free (val);
            if (rc != 0)
                return qs_err_set (err, 500, "internal_error", "out of memory");
        }
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int
qs_gwreq_add_params (json_object *obj, const qs_route_match_t *match)
{
    for (size_t i = 0; match && i < match->nparams; i++)
        if (qs_json_add_str (obj, match->params[i].name, match->params[i].value) != 0)
            return -1;
    return 0;
}

char *
qs_gwreq_error_body (const qs_err_t *err, const char *request_id)
{
    json_object *root = json_object_new_object ();
    json_object *e = json_object_new_object ();
    char *text = NULL;
    if (!root || !e) {
        json_object_put (e);
        goto cleanup;
    }
    int status = err && err->status ? err->status : 500;
    const char *code = err && err->code[0] ? err->code : qs_err_code_for_status (status);
    const char *message = err && err->message[0] ? err->message : "internal error";
    qs_json_add_str (e, "code", code);
    qs_json_add_str (e, "message", message);
    qs_json_add_str (e, "request_id", request_id ? request_id : "");
    json_object_object_add (root, "error", e);
    text = strdup (qs_json_text (root));
cleanup:
    json_object_put (root);
    return text;
}

bool
qs_gwreq_sse_event_allowed (const char *event)
{
    return event && (!strcmp (event, "intent") || !strcmp (event, "step")
                     || !strcmp (event, "token"));
}

char *
qs_gwreq_sse_frame (const char *event, json_object *data)
{
    //  json-c's compact form escapes newlines, so data stays on one line
    const char *json = data ? json_object_to_json_string_ext (data, JSON_C_TO_STRING_PLAIN
                                                                     | JSON_C_TO_STRING_NOSLASHESCAPE)
                            : "{}";
    return qs_strdupf ("event: %s\ndata: %s\n\n", event, json);
}
