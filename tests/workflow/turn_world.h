/*  turn_world - the turn engine's world without a broker or other processes:
    the workflow (qs_wf) over a SQLite store, its bus calls answered
    in-process (intent-svc's local engine for intent, empty knowledge,
    k8s-svc's ops against the sandbox's Kubernetes API), the platform served by the sandbox's world in this process
    on a loopback port, and chat / confirm / cancel as local requests. The
    workflow keeps each user's service list for the whole test (qs_svccache):
    only its own changes refresh it. */
#ifndef TURN_WORLD_H
#define TURN_WORLD_H

#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_wf.h"

typedef struct _turn_world_t turn_world_t;

/*  A fresh world (seeded sandbox tenants); NULL on failure. */
turn_world_t *turn_world_new (void);
void turn_world_destroy (turn_world_t **self_p);

/*  An identity of the sandbox's tenants with a valid token. */
void turn_world_auth (turn_world_t *self, qs_auth_t *auth, const char *sub, const char *org, const char *roles);

/*  One chat turn (conv may be NULL = a new conversation); the ChatResponse
    (new object) or NULL with *status_p set to the error status. */
json_object *turn_world_chat (turn_world_t *self, const qs_auth_t *auth, const char *conv,
                              const char *message, int *status_p);
/*  A turn of the conversation conv (char[64], "" = a new one; the id comes
    back in it) that must succeed (a check assertion) and carry the full
    metadata of section 4. The ChatResponse (new). */
json_object *turn_world_say (turn_world_t *self, const qs_auth_t *auth, char *conv, const char *message);

/*  POST /actions/{id}/confirm or cancel ("confirm" / "cancel"); returns the
    status and *resp_p (may be NULL) the body. */
int turn_world_decide (turn_world_t *self, const qs_auth_t *auth, const char *id, const char *what,
                       json_object **resp_p);

/*  The same with a body of extra fields (lent, may be NULL; e.g.
    {"confirm_name": "..."}). */
int turn_world_decide_with (turn_world_t *self, const qs_auth_t *auth, const char *id, const char *what,
                            json_object *extra, json_object **resp_p);

/*  The deadline every later request gets (ms from its start; 10000 at first). */
void turn_world_set_deadline (turn_world_t *self, int ms);

/*  Requests the sandbox served (see qs_sbx_server_count). */
int turn_world_requests (turn_world_t *self, const char *method, const char *path_prefix, int *with_key_p);

/*  Add a sandbox fault rule (qs_sbx_faults JSON text). 0 or -1. */
int turn_world_fault (turn_world_t *self, const char *rule);

/*  POST /recommendations/{id}/apply in conv (NULL = a new one), or with id
    NULL GET /recommendations; returns the status and *resp_p the body. */
int turn_world_apply (turn_world_t *self, const qs_auth_t *auth, const char *id, const char *conv,
                      json_object **resp_p);

/*  The org's services on the platform (new array). */
json_object *turn_world_services (turn_world_t *self, const qs_auth_t *auth);

#endif
