/*  qs_wf - what every workflow of quickspin-workflow shares: the service
    context (store, platform clients, settings) and the per-request run
    context handed to graph nodes.

    Thread use: the worker runtime calls handlers from several threads. The
    store is thread-safe; the platform client is not, so each handler thread
    gets its own, created on first use (a pthread key). */
#ifndef QS_WF_H
#define QS_WF_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_err.h"
#include "qs_graph.h"
#include "qs_llm.h"
#include "qs_platform.h"
#include "qs_store.h"
#include "qs_svccache.h"
#include "qs_worker.h"

typedef struct _qs_wf_t qs_wf_t;

/*  Take ownership of *store_p (nulled). platform_url NULL = QS_PLATFORM_URL.
    NULL on failure. */
qs_wf_t *qs_wf_new (qs_store_t **store_p, const char *platform_url);
void qs_wf_destroy (qs_wf_t **self_p);

/*  Lent. */
qs_store_t *qs_wf_store (qs_wf_t *self);
/*  This thread's platform client (lent; lives until qs_wf_destroy). NULL on
    allocation failure. */
qs_platform_t *qs_wf_platform (qs_wf_t *self);

/*  Take ownership of *llm_p (nulled; may hold NULL = no LLM, the templates
    answer). Call before the worker's threads start. */
void qs_wf_set_llm (qs_wf_t *self, qs_llm_t **llm_p);
/*  The answer LLM (lent; thread-safe), or NULL when none is configured. */
qs_llm_t *qs_wf_llm (qs_wf_t *self);

/*  Notifications of decided actions (contract section 11; qs_notifier.h):
    lent, set before the worker's threads start; NULL (the default) = none. */
typedef struct _qs_notifier_t qs_notifier_t;
void qs_wf_set_notifier (qs_wf_t *self, qs_notifier_t *notifier);
qs_notifier_t *qs_wf_notifier (qs_wf_t *self);

/*  Take the cache of service lists (*cache_p nulled; NULL = none, the
    default: every read asks the platform). Call before the worker's threads
    start. */
void qs_wf_set_services_cache (qs_wf_t *self, qs_svccache_t **cache_p);

/*  The caller's services for reading (names, subjects, status in answers):
    the cached list when it is younger than the cache's TTL, else the
    platform's (then cached). *services_p is the caller's. 0 or -1. Quota
    checks and explicit listings ask the platform directly. */
typedef struct _qs_wf_run_t qs_wf_run_t;
int qs_wf_services (qs_wf_run_t *run, json_object **services_p, qs_err_t *err);
/*  This worker changed a service: the next read asks the platform again. */
void qs_wf_services_changed (qs_wf_t *self);

/*  The calls a workflow makes to other services, replaceable so a unit test
    can answer them in-process (e.g. with intent-svc's local engine). call
    NULL = through the broker with the request's context. */
typedef int (qs_wf_call_fn) (void *arg, qs_wf_run_t *run, const char *service, const char *op,
                             json_object *body, json_object **reply_p, qs_err_t *err);
typedef struct {
    qs_wf_call_fn *call;
    void *arg;
} qs_wf_io_t;

/*  Route every bus call of the workflows through io (copied). Call before
    the worker's threads start. */
void qs_wf_set_io (qs_wf_t *self, const qs_wf_io_t *io);

/*  What every flow's typed state starts with: its request kind, the action
    it proposed, and what became of it. */
typedef struct {
    char intent[32];
    json_object *action;        /* the stored Action (wire), or NULL */
    char idempotency_key[96];
    char decision[16];          /* "confirm" / "cancel" once the user decided */
    char service_id[64];        /* the service the flow created or changed */
    char error[320];            /* the platform's refusal while executing, "" none */
} qs_flow_head_t;

/*  A flow's typed state (a struct that starts with a qs_flow_head_t) and
    its checkpoint form: the graph's nodes work on the struct; the checkpoint
    written after every node is its JSON (save), read back on resume (load). */
typedef struct {
    size_t size;
    void (*load) (void *state, json_object *checkpoint);        /* into a zeroed struct */
    void (*save) (const void *state, json_object *checkpoint);
    void (*clear) (void *state);                                /* free what it owns */
} qs_flow_state_t;

/*  The head's part of a checkpoint. */
void qs_flow_head_load (qs_flow_head_t *head, json_object *checkpoint);
void qs_flow_head_save (const qs_flow_head_t *head, json_object *checkpoint);
void qs_flow_head_clear (qs_flow_head_t *head);

/*  The per-request context that graph nodes receive as ctx; flow is the
    running flow's typed state (what nodes read and write). */
struct _qs_wf_run_t {
    qs_wf_t *wf;
    qs_req_t *req;               /* the bus request: auth, deadline, partials, calls */
    const char *conversation_id; /* NULL outside a conversation */
    qs_platform_ctx_t pctx;      /* auth + deadline + request id for platform calls */
    int64_t step;                /* checkpoint sequence */
    char run_id[32];
    void *flow;                  /* lent: the flow's state, a qs_flow_head_t first */
    const qs_flow_state_t *flow_type;
};

/*  Fill run for req. */
void qs_wf_run_init (qs_wf_run_t *run, qs_wf_t *wf, qs_req_t *req, const char *conversation_id);

/*  Graph hooks that checkpoint to the store and stream "step" partials. */
qs_graph_hooks_t qs_wf_hooks (qs_wf_run_t *run);

/*  Emit a partial event (event name, data taken). Ignored outside a bus
    request. */
void qs_wf_emit (qs_wf_run_t *run, const char *event, json_object **data_p);

/*  Call op on service with body (lent); *reply_p new on success. 0 or -1. */
int qs_wf_call (qs_wf_run_t *run, const char *service, const char *op, json_object *body,
                json_object **reply_p, qs_err_t *err);

/*  Transient platform or bus trouble (429, 502, 503) is worth a retry of the
    node; anything else is final. */
qs_node_rc_t qs_wf_platform_rc (const qs_err_t *err);

/*  Make the run wait for the user: store a pending action of type with
    summary, config (lent) and estimate (lent, may be NULL), keyed
    "<key_prefix>-<run id>" so a repeated node finds the same action (and the
    platform call behind it reuses the key as its Idempotency-Key). The
    action and the key go into the flow's head. Returns QS_NODE_INTERRUPT,
    or QS_NODE_RETRY / QS_NODE_FAIL with err. */
qs_node_rc_t qs_wf_propose (qs_wf_run_t *run, const char *type, const char *summary,
                            json_object *config, json_object *estimate, const char *key_prefix,
                            qs_err_t *err);

/*  Nodes every graph may use: one that does nothing (a resume point, or an
    end whose answer is written from the state), and the router after the
    user's decision (the head's): "execute" on confirm, else "report". */
qs_node_rc_t qs_wf_node_noop (json_object *state, void *ctx, qs_err_t *err);
const char *qs_wf_route_decision (json_object *state, void *ctx);

#endif
