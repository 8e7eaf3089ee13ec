/*  qs_eval_run - plays one conversation script of tests/eval/dialogue-*.json
    over the public REST API (contract section 4) against a running suite,
    and checks each turn (qs_eval_check) plus what needs another request: a
    superseded or settled action answers 409, the platform holds exactly the
    plan that was confirmed. */
#ifndef QS_EVAL_RUN_H
#define QS_EVAL_RUN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char gateway[64];           /* http://127.0.0.1:<port> */
    char sandbox[64];           /* the sandbox platform (reset before every script) */
    json_object *pricing;       /* GET /api/v1/pricing, owned */
    double *lat;                /* per-turn latency of chat turns, ms (owned) */
    size_t nlat, cap;
} qs_eval_env_t;

/*  Play script; true when every turn fits. Otherwise false with the first
    mismatch in why ("turn 2 \"make it large\": ..."). Latencies of its chat
    turns are appended to env->lat. */
bool qs_eval_run_script (qs_eval_env_t *env, json_object *script, char *why, size_t size);

/*  POST /api/v1/chat as token (conversation_id may be NULL or ""), timing it
    into env->lat. Returns the HTTP status; *reply_p gets the body (caller puts). */
long qs_eval_chat (qs_eval_env_t *env, const char *token, const char *conversation_id,
                   const char *message, json_object **reply_p);

/*  The pth percentile (0..100) of env->lat[from..nlat) in ms (sorts that range). */
double qs_eval_percentile (qs_eval_env_t *env, size_t from, double p);

/*  Reset the sandbox's tenants to the seed. 0 or -1. */
int qs_eval_reset (qs_eval_env_t *env);

#endif
