/*  qs_resolve - see qs_resolve.h */
#include "qs_resolve.h"
#include "qs_json.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

/*  True when word occurs in text as a whole token (names hold dashes). */
static int
s_has_word (const char *text, const char *word)
{
    size_t wl = strlen (word);
    if (wl == 0)
        return 0;
    for (const char *p = text; (p = strcasestr (p, word)); p++) {
        int before = p == text || !(isalnum ((unsigned char) p[-1]) || p[-1] == '-' || p[-1] == '_');
        char after = p[wl];
        if (before && !(isalnum ((unsigned char) after) || after == '-' || after == '_'))
            return 1;
    }
    return 0;
}

static json_object *
s_by (json_object *services, const char *key, const char *value)
{
    for (size_t i = 0; value && *value && i < json_object_array_length (services); i++) {
        json_object *s = json_object_array_get_idx (services, i);
        if (!strcasecmp (qs_json_str (s, key, ""), value))
            return s;
    }
    return NULL;
}

json_object *
qs_resolve_service (json_object *services, const char *message, json_object *ref,
                    const char *type, json_object *context, json_object **candidates_p)
{
    if (candidates_p)
        *candidates_p = NULL;
    if (!services || !json_object_is_type (services, json_type_array))
        return NULL;
    size_t n = json_object_array_length (services);
    json_object *hit = s_by (services, "id", qs_json_str (ref, "id", NULL));
    if (!hit)
        hit = s_by (services, "name", qs_json_str (ref, "name", NULL));
    /* the longest name written in the message wins ("orders-db-replica" over "orders-db") */
    size_t best = 0;
    for (size_t i = 0; !hit && message && i < n; i++) {
        json_object *s = json_object_array_get_idx (services, i);
        const char *name = qs_json_str (s, "name", "");
        size_t len = strlen (name);
        if (len > best && s_has_word (message, name)) {
            best = len;
            hit = s;
        }
    }
    if (hit)
        return hit;
    json_object *of_type = json_object_new_array ();
    for (size_t i = 0; type && i < n; i++) {
        json_object *s = json_object_array_get_idx (services, i);
        if (!strcmp (qs_json_str (s, "service_type", ""), type))
            json_object_array_add (of_type, json_object_get (s));
    }
    if (json_object_array_length (of_type) == 1) {
        hit = s_by (services, "id", qs_json_str (json_object_array_get_idx (of_type, 0), "id", ""));
        json_object_put (of_type);
        return hit;
    }
    /* "it"/"its": the most recent service of the conversation, if it fits the type */
    for (size_t i = context ? json_object_array_length (context) : 0; i-- > 0;) {
        json_object *c = json_object_array_get_idx (context, i);
        json_object *s = s_by (services, "id", qs_json_str (c, "id", NULL));
        if (!s)
            s = s_by (services, "name", qs_json_str (c, "name", NULL));
        if (s && (!type || !strcmp (qs_json_str (s, "service_type", ""), type))) {
            json_object_put (of_type);
            return s;
        }
    }
    if (!type && n == 1) {
        json_object_put (of_type);
        return json_object_array_get_idx (services, 0);
    }
    if (candidates_p) {
        if (json_object_array_length (of_type) == 0) {
            for (size_t i = 0; i < n; i++)
                json_object_array_add (of_type, json_object_get (json_object_array_get_idx (services, i)));
        }
        *candidates_p = of_type;
    }
    else
        json_object_put (of_type);
    return NULL;
}

static void
s_push (json_object *out, const char *id, const char *name, const char *type)
{
    if ((!id || !*id) && (!name || !*name))
        return;
    for (size_t i = 0; i < json_object_array_length (out); i++) {
        json_object *c = json_object_array_get_idx (out, i);
        if ((id && *id && !strcmp (qs_json_str (c, "id", ""), id))
            || (name && *name && !strcmp (qs_json_str (c, "name", ""), name))) {
            json_object_array_del_idx (out, i, 1);    /* re-added below as the newest */
            break;
        }
    }
    json_object *c = json_object_new_object ();
    if (id && *id)
        qs_json_add_str (c, "id", id);
    if (name && *name)
        qs_json_add_str (c, "name", name);
    if (type && *type)
        qs_json_add_str (c, "service_type", type);
    json_object_array_add (out, c);
}

json_object *
qs_resolve_context (json_object *history)
{
    json_object *out = json_object_new_array ();
    size_t n = history && json_object_is_type (history, json_type_array)
                   ? json_object_array_length (history) : 0;
    for (size_t k = 0; k < n; k++) {
        json_object *meta = qs_json_get (json_object_array_get_idx (history, k), "metadata", json_type_object);
        json_object *list = qs_json_get (meta, "services", json_type_array);
        for (size_t i = 0; list && i < json_object_array_length (list); i++) {
            json_object *s = json_object_array_get_idx (list, i);
            s_push (out, qs_json_str (s, "id", NULL), qs_json_str (s, "name", NULL),
                    qs_json_str (s, "service_type", NULL));
        }
        json_object *config = qs_json_get (meta, "config", json_type_object);
        if (config)
            s_push (out, NULL, qs_json_str (config, "name", NULL), qs_json_str (config, "service_type", NULL));
    }
    return out;
}
