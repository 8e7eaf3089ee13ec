/*  qs_db_json - see qs_db_json.h */
#include "qs_db_json.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

int
qs_db_check_text (const char *what, const char *s, size_t len, size_t max, qs_err_t *err)
{
    if (len > max)
        return qs_err_set (err, 413, "payload_too_large", "%s is larger than %zu bytes", what, max);
    if (strlen (s) != len)
        return qs_err_set (err, 422, "invalid_input", "%s contains a NUL byte", what);
    if (qs_utf8_length (s, len) < 0)
        return qs_err_set (err, 422, "invalid_input", "%s is not valid UTF-8", what);
    return 0;
}

int
qs_db_member_text (json_object *obj, const char *key, bool required, size_t max,
                   const char **out, qs_err_t *err)
{
    json_object *val = NULL;
    *out = NULL;
    if (!json_object_object_get_ex (obj, key, &val) || json_object_is_type (val, json_type_null)) {
        if (required)
            return qs_err_set (err, 400, "bad_request", "%s is required", key);
        return 0;
    }
    if (!json_object_is_type (val, json_type_string))
        return qs_err_set (err, 400, "bad_request", "%s must be a string", key);
    const char *s = json_object_get_string (val);
    if (qs_db_check_text (key, s, (size_t) json_object_get_string_len (val), max, err) != 0)
        return -1;
    *out = s;
    return 0;
}

int
qs_db_member_json (json_object *obj, const char *key, bool empty_default, size_t max,
                   char **out, qs_err_t *err)
{
    json_object *val = NULL;
    *out = NULL;
    if (obj && key)
        json_object_object_get_ex (obj, key, &val);
    if (!obj || !key)
        val = obj;
    if (!val || json_object_is_type (val, json_type_null)) {
        if (empty_default && !(*out = strdup ("{}")))
            return qs_err_set (err, 500, "internal_error", "out of memory");
        return 0;
    }
    if (!json_object_is_type (val, json_type_object))
        return qs_err_set (err, 400, "bad_request", "%s must be an object", key ? key : "value");
    size_t len = 0;
    const char *text = json_object_to_json_string_length (val, JSON_C_TO_STRING_PLAIN, &len);
    if (!text)
        return qs_err_set (err, 500, "internal_error", "out of memory");
    if (len > max)
        return qs_err_set (err, 413, "payload_too_large", "%s is larger than %zu bytes",
                           key ? key : "value", max);
    if (!(*out = strdup (text)))
        return qs_err_set (err, 500, "internal_error", "out of memory");
    return 0;
}

json_object *
qs_db_json_from_text (const char *text)
{
    if (!text || !*text)
        return NULL;
    return qs_json_parse (text, strlen (text), NULL);
}

void
qs_db_add_time (json_object *obj, const char *key, int64_t ms)
{
    char buf[40];
    qs_json_add_str (obj, key, qs_time_rfc3339 (ms, buf, sizeof buf));
}

void
qs_db_add_json (json_object *obj, const char *key, const char *text, bool empty_object)
{
    json_object *val = qs_db_json_from_text (text);
    if (!val && empty_object)
        val = json_object_new_object ();
    if (val)
        json_object_object_add (obj, key, val);
}
