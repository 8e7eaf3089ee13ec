/*  qs_json - small, safe accessors over json-c. Every getter tolerates a NULL
    object, a missing key and a wrong type, returning the default. */
#ifndef QS_JSON_H
#define QS_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/*  Lent string at key, or def. */
const char *qs_json_str (json_object *obj, const char *key, const char *def);
int64_t qs_json_int (json_object *obj, const char *key, int64_t def);
double qs_json_double (json_object *obj, const char *key, double def);
bool qs_json_bool (json_object *obj, const char *key, bool def);
/*  Lent object at key only if it has the given type, else NULL. */
json_object *qs_json_get (json_object *obj, const char *key, json_type type);
/*  Dotted path ("a.b.c") lookup with arrays by index ("items.0.name"). Lent. */
json_object *qs_json_path (json_object *obj, const char *path);

/*  Parse text (len bytes, need not be terminated) with a depth limit.
    Returns a new object (caller puts it) or NULL with *why set to a lent
    description. */
json_object *qs_json_parse (const char *text, size_t len, const char **why);

/*  Serialise compactly. The string belongs to obj (json-c semantics): copy it
    if obj will be freed. */
const char *qs_json_text (json_object *obj);

/*  Add helpers: each returns 0, or -1 on allocation failure. val may be NULL
    for add_str (then JSON null is added). */
int qs_json_add_str (json_object *obj, const char *key, const char *val);
int qs_json_add_int (json_object *obj, const char *key, int64_t val);
int qs_json_add_double (json_object *obj, const char *key, double val);
int qs_json_add_bool (json_object *obj, const char *key, bool val);

#endif
