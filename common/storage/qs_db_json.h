/*  qs_db_json - JSON into and out of a repository: checks of caller input
    before it reaches the database, and the field helpers record builders
    share. Objects (metadata, state, config) are stored as JSON text, so keys
    such as "$where" or "a.b" stay inert data on every backend. */
#ifndef QS_DB_JSON_H
#define QS_DB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

/*  Caller text: at most max bytes (413), no NUL and valid UTF-8 (422). 0 or -1. */
int qs_db_check_text (const char *what, const char *s, size_t len, size_t max, qs_err_t *err);
/*  String member key of obj checked like qs_db_check_text; *out lent or NULL
    when absent (400 when required or not a string). */
int qs_db_member_text (json_object *obj, const char *key, bool required, size_t max,
                       const char **out, qs_err_t *err);
/*  Object member key (or obj itself when key is NULL) serialised to JSON
    text in *out (caller frees; "{}" when absent and empty_default, else
    NULL). 400 when not an object, 413 beyond max bytes. */
int qs_db_member_json (json_object *obj, const char *key, bool empty_default, size_t max,
                       char **out, qs_err_t *err);

/*  Parse stored JSON text into a new object; NULL text or bad text gives NULL. */
json_object *qs_db_json_from_text (const char *text);
/*  Add key: the RFC 3339 UTC time of ms. */
void qs_db_add_time (json_object *obj, const char *key, int64_t ms);
/*  Add key: the object parsed from stored text; {} when the text is missing
    or bad and empty_object, else nothing. */
void qs_db_add_json (json_object *obj, const char *key, const char *text, bool empty_object);

#endif
