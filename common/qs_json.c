/*  qs_json - see qs_json.h */
#include "qs_json.h"
#include <stdlib.h>
#include <string.h>

const char *
qs_json_str (json_object *obj, const char *key, const char *def)
{
    json_object *v = qs_json_get (obj, key, json_type_string);
    return v ? json_object_get_string (v) : def;
}

int64_t
qs_json_int (json_object *obj, const char *key, int64_t def)
{
    json_object *v;
    if (!obj || !json_object_is_type (obj, json_type_object)
        || !json_object_object_get_ex (obj, key, &v))
        return def;
    if (json_object_is_type (v, json_type_int))
        return json_object_get_int64 (v);
    if (json_object_is_type (v, json_type_double)) {
        /* out of range (1e300, inf, nan) has no integer value: keep the default */
        double d = json_object_get_double (v);
        return d >= -9.2e18 && d <= 9.2e18 ? (int64_t) d : def;
    }
    return def;
}

double
qs_json_double (json_object *obj, const char *key, double def)
{
    json_object *v;
    if (!obj || !json_object_is_type (obj, json_type_object)
        || !json_object_object_get_ex (obj, key, &v))
        return def;
    if (json_object_is_type (v, json_type_int) || json_object_is_type (v, json_type_double))
        return json_object_get_double (v);
    return def;
}

bool
qs_json_bool (json_object *obj, const char *key, bool def)
{
    json_object *v = qs_json_get (obj, key, json_type_boolean);
    return v ? json_object_get_boolean (v) : def;
}

json_object *
qs_json_get (json_object *obj, const char *key, json_type type)
{
    json_object *v;
    if (!obj || !key || !json_object_is_type (obj, json_type_object)
        || !json_object_object_get_ex (obj, key, &v) || !json_object_is_type (v, type))
        return NULL;
    return v;
}

json_object *
qs_json_path (json_object *obj, const char *path)
{
    char part[128];
    const char *p = path;
    while (obj && p && *p) {
        const char *dot = strchr (p, '.');
        size_t n = dot ? (size_t) (dot - p) : strlen (p);
        if (n >= sizeof part)
            return NULL;
        memcpy (part, p, n);
        part[n] = '\0';
        if (json_object_is_type (obj, json_type_array)) {
            char *end;
            long idx = strtol (part, &end, 10);
            if (*end || idx < 0 || (size_t) idx >= json_object_array_length (obj))
                return NULL;
            obj = json_object_array_get_idx (obj, (size_t) idx);
        }
        else if (json_object_is_type (obj, json_type_object)) {
            if (!json_object_object_get_ex (obj, part, &obj))
                return NULL;
        }
        else
            return NULL;
        p = dot ? dot + 1 : NULL;
    }
    return obj;
}

/*  json-c's strict mode still takes single-quoted strings: refuse a quote
    character outside a double-quoted string before parsing. */
static int
s_single_quoted (const char *text, size_t len)
{
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        }
        else if (c == '"')
            in_string = 1;
        else if (c == '\'')
            return 1;
    }
    return 0;
}

json_object *
qs_json_parse (const char *text, size_t len, const char **why)
{
    static const char *s_unknown = "invalid JSON";
    if (why)
        *why = s_unknown;
    if (!text || len > (size_t) INT32_MAX)
        return NULL;
    if (s_single_quoted (text, len)) {
        if (why)
            *why = "strings must use double quotes";
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex (64);
    if (!tok)
        return NULL;
    json_tokener_set_flags (tok, JSON_TOKENER_STRICT);
    json_object *obj = json_tokener_parse_ex (tok, text, (int) len);
    enum json_tokener_error jerr = json_tokener_get_error (tok);
    size_t consumed = json_tokener_get_parse_end (tok);
    if (jerr == json_tokener_continue) {
        /* a bare number ("36") waits for more digits: a space ends the input */
        obj = json_tokener_parse_ex (tok, " ", 1);
        jerr = json_tokener_get_error (tok);
        consumed = len;
    }
    if (jerr != json_tokener_success) {
        if (why)
            *why = json_tokener_error_desc (jerr);
        json_object_put (obj);
        obj = NULL;
    }
    else if (consumed < len) {
        /* trailing bytes after a complete value: allow only whitespace */
        for (size_t i = consumed; i < len; i++) {
            if (!strchr (" \t\r\n", text[i])) {
                if (why)
                    *why = "trailing data after JSON value";
                json_object_put (obj);
                obj = NULL;
                break;
            }
        }
    }
    json_tokener_free (tok);
    return obj;
}

const char *
qs_json_text (json_object *obj)
{
    return json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

int
qs_json_add_str (json_object *obj, const char *key, const char *val)
{
    json_object *v = NULL;
    if (val && !(v = json_object_new_string (val)))
        return -1;
    return json_object_object_add (obj, key, v);
}

int
qs_json_add_int (json_object *obj, const char *key, int64_t val)
{
    json_object *v = json_object_new_int64 (val);
    return v ? json_object_object_add (obj, key, v) : -1;
}

int
qs_json_add_double (json_object *obj, const char *key, double val)
{
    json_object *v = json_object_new_double (val);
    return v ? json_object_object_add (obj, key, v) : -1;
}

int
qs_json_add_bool (json_object *obj, const char *key, bool val)
{
    json_object *v = json_object_new_boolean (val);
    return v ? json_object_object_add (obj, key, v) : -1;
}
