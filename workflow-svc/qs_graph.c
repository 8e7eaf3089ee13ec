/*  qs_graph - see qs_graph.h */
#include "qs_graph.h"
#include "qs_json.h"
#include "qs_util.h"
#include <string.h>
#include <time.h>

const qs_node_def_t *
qs_graph_node (const qs_graph_def_t *graph, const char *name)
{
    for (size_t i = 0; name && i < graph->nnodes; i++)
        if (!strcmp (graph->nodes[i].name, name))
            return &graph->nodes[i];
    return NULL;
}

static json_object *
s_run_obj (json_object *state)
{
    json_object *run = qs_json_get (state, "_run", json_type_object);
    if (!run) {
        run = json_object_new_object ();
        json_object_object_add (state, "_run", run);
    }
    return run;
}

const char *
qs_graph_status (json_object *state)
{
    return qs_json_str (qs_json_get (state, "_run", json_type_object), "status", "");
}

static json_object *
s_sub (json_object *run, const char *key, json_type type)
{
    json_object *o = qs_json_get (run, key, type);
    if (!o) {
        o = type == json_type_array ? json_object_new_array () : json_object_new_object ();
        json_object_object_add (run, key, o);
    }
    return o;
}

static void
s_sleep_ms (int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

static void
s_step (const qs_graph_hooks_t *hooks, const qs_graph_def_t *graph, const char *node,
        const char *status, int64_t ms)
{
    if (hooks && hooks->step)
        hooks->step (hooks->arg, graph->name, node, status, ms);
}

static int
s_checkpoint (const qs_graph_hooks_t *hooks, json_object *state, qs_err_t *err)
{
    return hooks && hooks->checkpoint ? hooks->checkpoint (hooks->arg, state, err) : 0;
}

/*  The successor of node for this state, NULL at the end. */
static const char *
s_successor (const qs_node_def_t *node, json_object *state, void *ctx)
{
    return node->route ? node->route (state, ctx) : node->next;
}

static qs_run_rc_t
s_loop (const qs_graph_def_t *graph, const char *at, json_object *state, void *ctx,
        const qs_graph_hooks_t *hooks, qs_err_t *err)
{
    json_object *run = s_run_obj (state);
    json_object *timings = s_sub (run, "timings_ms", json_type_object);
    json_object *attempts = s_sub (run, "attempts", json_type_object);
    json_object *trace = s_sub (run, "trace", json_type_array);
    int base = hooks && hooks->retry_base_ms > 0 ? hooks->retry_base_ms : 100;
    /* a graph is a DAG plus bounded loops: cap the steps to catch a cycle bug */
    for (int steps = 0; at; steps++) {
        const qs_node_def_t *node = qs_graph_node (graph, at);
        if (!node || steps > 64) {
            qs_json_add_str (run, "status", "failed");
            return (qs_run_rc_t) qs_err_set (err, 500, "internal_error",
                                             "workflow %s: bad step '%s'", graph->name, at);
        }
        qs_json_add_str (run, "next", node->name);
        qs_json_add_str (run, "status", "running");
        int max = node->max_attempts > 0 ? node->max_attempts : 1;
        qs_node_rc_t rc = QS_NODE_FAIL;
        int64_t t0 = qs_mono_ms ();
        s_step (hooks, graph, node->name, "start", 0);
        for (int attempt = 1; attempt <= max; attempt++) {
            qs_err_clear (err);
            rc = node->fn (state, ctx, err);
            qs_json_add_int (attempts, node->name, attempt);
            if (rc != QS_NODE_RETRY)
                break;
            if (attempt < max) {
                s_step (hooks, graph, node->name, "retry", qs_mono_ms () - t0);
                s_sleep_ms (base << (attempt - 1));
            }
        }
        int64_t elapsed = qs_mono_ms () - t0;
        qs_json_add_int (timings, node->name, qs_json_int (timings, node->name, 0) + elapsed);
        json_object_array_add (trace, json_object_new_string (node->name));
        if (rc == QS_NODE_RETRY || rc == QS_NODE_FAIL) {
            qs_json_add_str (run, "status", "failed");
            if (err && err->status == 0)
                qs_err_set (err, 500, "internal_error", "workflow step %s failed", node->name);
            if (err)
                qs_json_add_str (run, "error", err->message);
            s_step (hooks, graph, node->name, "failed", elapsed);
            qs_err_t ignored = {0};
            s_checkpoint (hooks, state, &ignored);
            return QS_RUN_FAILED;
        }
        if (rc == QS_NODE_INTERRUPT) {
            const char *resume = node->resume ? node->resume : s_successor (node, state, ctx);
            qs_json_add_str (run, "next", resume);
            qs_json_add_str (run, "status", "interrupted");
            s_step (hooks, graph, node->name, "interrupt", elapsed);
            if (s_checkpoint (hooks, state, err) != 0)
                return QS_RUN_FAILED;
            return QS_RUN_INTERRUPTED;
        }
        at = s_successor (node, state, ctx);
        qs_json_add_str (run, "next", at);
        if (!at)
            qs_json_add_str (run, "status", "done");
        s_step (hooks, graph, node->name, "ok", elapsed);
        if (s_checkpoint (hooks, state, err) != 0) {
            qs_json_add_str (run, "status", "failed");
            return QS_RUN_FAILED;
        }
    }
    qs_json_add_str (run, "status", "done");
    return QS_RUN_DONE;
}

qs_run_rc_t
qs_graph_run (const qs_graph_def_t *graph, const char *run_id, json_object *state, void *ctx,
              const qs_graph_hooks_t *hooks, qs_err_t *err)
{
    json_object *run = s_run_obj (state);
    qs_json_add_str (run, "id", run_id);
    qs_json_add_str (run, "graph", graph->name);
    return s_loop (graph, graph->start, state, ctx, hooks, err);
}

qs_run_rc_t
qs_graph_resume (const qs_graph_def_t *graph, json_object *state, void *ctx,
                 const qs_graph_hooks_t *hooks, qs_err_t *err)
{
    json_object *run = qs_json_get (state, "_run", json_type_object);
    const char *status = qs_json_str (run, "status", "");
    if (!run || strcmp (qs_json_str (run, "graph", ""), graph->name) != 0)
        return (qs_run_rc_t) qs_err_set (err, 400, "bad_request", "not a %s run", graph->name);
    if (!strcmp (status, "done") || !strcmp (status, "failed"))
        return (qs_run_rc_t) qs_err_set (err, 409, "conflict", "this run has already finished");
    const char *next = qs_json_str (run, "next", NULL);
    if (!next) {
        qs_json_add_str (run, "status", "done");
        return QS_RUN_DONE;
    }
    /* copy: the loop overwrites run["next"] and would free the string */
    char at[64];
    qs_strlcpy (at, next, sizeof at);
    return s_loop (graph, at, state, ctx, hooks, err);
}
