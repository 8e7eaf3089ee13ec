/*  qs_auth - the caller's verified identity, carried by every bus request.
    A plain value type; token is the raw bearer token (a secret: never log it,
    never put it in a prompt or an error). */
#ifndef QS_AUTH_H
#define QS_AUTH_H

#include <stdbool.h>
#include <json-c/json.h>

#define QS_ROLE_VIEWER 0x1u
#define QS_ROLE_MEMBER 0x2u
#define QS_ROLE_ADMIN  0x4u

typedef struct {
    char sub[128];
    char org_id[128];
    char tier[16];          /* free|starter|pro|enterprise */
    unsigned roles;         /* QS_ROLE_* bits */
    char token[4096];       /* raw JWT, "" when none */
} qs_auth_t;

/*  Role checks: member rights include admins. */
bool qs_auth_can_execute (const qs_auth_t *auth);   /* member or admin */
bool qs_auth_is_admin (const qs_auth_t *auth);

/*  Parse a roles name ("admin|member|viewer") into a bit, 0 when unknown. */
unsigned qs_auth_role_bit (const char *name);

/*  To/from the JSON carried in a bus envelope:
    {"sub","org_id","tier","roles":[...],"token"}. from_json returns 0, or -1
    when sub or org_id is missing. to_json returns a new object (caller puts)
    and includes the token only when with_token is true. */
int qs_auth_from_json (qs_auth_t *auth, json_object *obj);
json_object *qs_auth_to_json (const qs_auth_t *auth, bool with_token);

#endif
