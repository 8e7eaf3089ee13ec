/*  qs_graph - a small workflow graph runtime (the LangGraph of the seed).

    A graph is a static table of nodes. Each node is a C function over a JSON
    state; after it runs, the next node is either fixed (`next`) or chosen by a
    router over the state. After every node the runtime checkpoints the whole
    state through a hook, so any worker can resume a run from the last
    checkpoint. A node may:
      - succeed (QS_NODE_OK),
      - ask to wait for the user (QS_NODE_INTERRUPT): the run stops and
        resumes at `resume` (or `next`) when qs_graph_resume is called,
      - fail transiently (QS_NODE_RETRY): retried with backoff up to
        max_attempts,
      - fail (QS_NODE_FAIL): the run ends with the node's error.
    Side effects must be idempotent: a node records its outcome in the state
    (checkpointed right after it) and checks it first when it runs again.

    Runtime bookkeeping lives under state["_run"]:
      {"id","graph","next","status":"running|interrupted|done|failed",
       "timings_ms":{node:ms},"attempts":{node:n},"trace":[node,...]} */
#ifndef QS_GRAPH_H
#define QS_GRAPH_H

#include <json-c/json.h>
#include <stdint.h>
#include "qs_err.h"

typedef enum {
    QS_NODE_OK = 0,
    QS_NODE_INTERRUPT,
    QS_NODE_RETRY,
    QS_NODE_FAIL
} qs_node_rc_t;

/*  A node: reads and writes state (lent); ctx is the caller's per-run
    context (lent). On QS_NODE_RETRY / QS_NODE_FAIL it sets err. */
typedef qs_node_rc_t (qs_node_fn) (json_object *state, void *ctx, qs_err_t *err);

/*  A router: the name of the next node for this state, or NULL to end. */
typedef const char *(qs_route_fn) (json_object *state, void *ctx);

typedef struct {
    const char *name;
    qs_node_fn *fn;
    const char *next;           /* fixed successor; NULL = end (unless route) */
    qs_route_fn *route;         /* conditional successor; overrides next */
    const char *resume;         /* where an interrupt resumes; NULL = next/route */
    int max_attempts;           /* 0 = 1 (no retry) */
} qs_node_def_t;

typedef struct {
    const char *name;           /* "provision", "diagnose", ... */
    const char *start;
    const qs_node_def_t *nodes;
    size_t nnodes;
} qs_graph_def_t;

typedef struct {
    /*  Persist state after a node. Returning -1 stops the run with err. */
    int (*checkpoint) (void *arg, json_object *state, qs_err_t *err);
    /*  Progress: node started ("start") or finished ("ok", "retry",
        "interrupt", "failed") with its duration. */
    void (*step) (void *arg, const char *graph, const char *node, const char *status,
                  int64_t elapsed_ms);
    void *arg;
    int retry_base_ms;          /* first backoff; 0 = 100 */
} qs_graph_hooks_t;

typedef enum {
    QS_RUN_DONE = 0,
    QS_RUN_INTERRUPTED = 1,
    QS_RUN_FAILED = -1
} qs_run_rc_t;

/*  Start a run of graph at its start node over state (lent; bookkeeping is
    added under "_run"). run_id is copied. hooks may be NULL. */
qs_run_rc_t qs_graph_run (const qs_graph_def_t *graph, const char *run_id, json_object *state,
                          void *ctx, const qs_graph_hooks_t *hooks, qs_err_t *err);

/*  Continue an interrupted run (or one whose worker died) from the node
    recorded in state["_run"]["next"]. Fails with 409 when the run is already
    done or failed. */
qs_run_rc_t qs_graph_resume (const qs_graph_def_t *graph, json_object *state, void *ctx,
                             const qs_graph_hooks_t *hooks, qs_err_t *err);

/*  Find a node by name, NULL when absent. */
const qs_node_def_t *qs_graph_node (const qs_graph_def_t *graph, const char *name);

/*  Lent: state["_run"]["status"], or "" */
const char *qs_graph_status (json_object *state);

#endif
