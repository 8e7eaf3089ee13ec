/*  qs_auth - see qs_auth.h */
#include "qs_auth.h"
#include "qs_json.h"
#include "qs_util.h"
#include <string.h>

bool
qs_auth_can_execute (const qs_auth_t *auth)
{
    return auth && (auth->roles & (QS_ROLE_MEMBER | QS_ROLE_ADMIN));
}

bool
qs_auth_is_admin (const qs_auth_t *auth)
{
    return auth && (auth->roles & QS_ROLE_ADMIN);
}

unsigned
qs_auth_role_bit (const char *name)
{
    if (!name)
        return 0;
    if (!strcmp (name, "viewer"))
        return QS_ROLE_VIEWER;
    if (!strcmp (name, "member"))
        return QS_ROLE_MEMBER;
    if (!strcmp (name, "admin"))
        return QS_ROLE_ADMIN;
    return 0;
}

int
qs_auth_from_json (qs_auth_t *auth, json_object *obj)
{
    memset (auth, 0, sizeof *auth);
    const char *sub = qs_json_str (obj, "sub", NULL);
    const char *org = qs_json_str (obj, "org_id", NULL);
    if (!sub || !*sub || !org || !*org)
        return -1;
    if (qs_strlcpy (auth->sub, sub, sizeof auth->sub) >= sizeof auth->sub
        || qs_strlcpy (auth->org_id, org, sizeof auth->org_id) >= sizeof auth->org_id)
        return -1;
    qs_strlcpy (auth->tier, qs_json_str (obj, "tier", "free"), sizeof auth->tier);
    json_object *roles = qs_json_get (obj, "roles", json_type_array);
    for (size_t i = 0; roles && i < json_object_array_length (roles); i++)
        auth->roles |= qs_auth_role_bit (json_object_get_string (json_object_array_get_idx (roles, i)));
    if (!auth->roles)
        auth->roles = QS_ROLE_VIEWER;
    const char *token = qs_json_str (obj, "token", "");
    if (qs_strlcpy (auth->token, token, sizeof auth->token) >= sizeof auth->token)
        auth->token[0] = '\0';
    return 0;
}

json_object *
qs_auth_to_json (const qs_auth_t *auth, bool with_token)
{
    json_object *obj = json_object_new_object ();
    json_object *roles = json_object_new_array ();
    if (!obj || !roles) {
        json_object_put (obj);
        json_object_put (roles);
        return NULL;
    }
    qs_json_add_str (obj, "sub", auth->sub);
    qs_json_add_str (obj, "org_id", auth->org_id);
    qs_json_add_str (obj, "tier", auth->tier[0] ? auth->tier : "free");
    if (auth->roles & QS_ROLE_VIEWER)
        json_object_array_add (roles, json_object_new_string ("viewer"));
    if (auth->roles & QS_ROLE_MEMBER)
        json_object_array_add (roles, json_object_new_string ("member"));
    if (auth->roles & QS_ROLE_ADMIN)
        json_object_array_add (roles, json_object_new_string ("admin"));
    json_object_object_add (obj, "roles", roles);
    if (with_token && auth->token[0])
        qs_json_add_str (obj, "token", auth->token);
    return obj;
}
