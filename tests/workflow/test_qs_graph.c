#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_graph.h"
#include "qs_json.h"

/* A toy graph: plan -> (confirm interrupt) -> execute -> report, with a
   router that skips confirm when nothing needs confirmation, and a flaky
   node that needs retries. */

typedef struct {
    int executed;            /* side effects performed */
    int flaky_failures;      /* how many times "flaky" fails before success */
    int checkpoints;
    int fail_checkpoint_at;  /* 0 = never */
    char steps[512];
} ctx_t;

static qs_node_rc_t
s_plan (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg; (void) err;
    qs_json_add_bool (state, "planned", true);
    return QS_NODE_OK;
}

static const char *
s_after_plan (json_object *state, void *arg)
{
    (void) arg;
    return qs_json_bool (state, "needs_confirmation", true) ? "confirm" : "execute";
}

static qs_node_rc_t
s_confirm (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg; (void) err;
    qs_json_add_str (state, "pending", "yes");
    return QS_NODE_INTERRUPT;
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    ctx_t *ctx = arg;
    /* idempotent: the recorded outcome prevents a second side effect */
    if (qs_json_get (state, "outcome", json_type_string))
        return QS_NODE_OK;
    ctx->executed++;
    qs_json_add_str (state, "outcome", "created");
    return QS_NODE_OK;
}

static qs_node_rc_t
s_flaky (json_object *state, void *arg, qs_err_t *err)
{
    (void) state;
    ctx_t *ctx = arg;
    if (ctx->flaky_failures > 0) {
        ctx->flaky_failures--;
        qs_err_set (err, 503, "service_unavailable", "try again");
        return QS_NODE_RETRY;
    }
    return QS_NODE_OK;
}

static qs_node_rc_t
s_boom (json_object *state, void *arg, qs_err_t *err)
{
    (void) state; (void) arg;
    qs_err_set (err, 422, "invalid", "cannot do that");
    return QS_NODE_FAIL;
}

static const qs_node_def_t s_nodes[] = {
    {.name = "plan", .fn = s_plan, .route = s_after_plan},
    {.name = "confirm", .fn = s_confirm, .next = "execute"},
    {.name = "execute", .fn = s_execute, .next = "flaky"},
    {.name = "flaky", .fn = s_flaky, .next = NULL, .max_attempts = 3},
};
static const qs_graph_def_t s_graph = {"toy", "plan", s_nodes, 4};

static const qs_node_def_t s_bad_nodes[] = {
    {.name = "plan", .fn = s_plan, .next = "boom"},
    {.name = "boom", .fn = s_boom, .next = "plan"},
};
static const qs_graph_def_t s_bad = {"bad", "plan", s_bad_nodes, 2};

static const qs_node_def_t s_cycle_nodes[] = {
    {.name = "plan", .fn = s_plan, .next = "plan"},
};
static const qs_graph_def_t s_cycle = {"cycle", "plan", s_cycle_nodes, 1};

static int
s_cp (void *arg, json_object *state, qs_err_t *err)
{
    (void) state;
    ctx_t *ctx = arg;
    ctx->checkpoints++;
    if (ctx->fail_checkpoint_at && ctx->checkpoints == ctx->fail_checkpoint_at)
        return qs_err_set (err, 503, "store_unavailable", "store down");
    return 0;
}

static void
s_on_step (void *arg, const char *graph, const char *node, const char *status, int64_t ms)
{
    (void) graph; (void) ms;
    ctx_t *ctx = arg;
    size_t n = strlen (ctx->steps);
    snprintf (ctx->steps + n, sizeof ctx->steps - n, "%s:%s ", node, status);
}

START_TEST (test_interrupt_and_resume_elsewhere)
{
    ctx_t ctx = {0};
    qs_graph_hooks_t hooks = {s_cp, s_on_step, &ctx, 1};
    qs_err_t err = {0};
    json_object *state = json_object_new_object ();
    ck_assert_int_eq (qs_graph_run (&s_graph, "run1", state, &ctx, &hooks, &err), QS_RUN_INTERRUPTED);
    ck_assert_str_eq (qs_graph_status (state), "interrupted");
    ck_assert_int_eq (ctx.executed, 0);      /* nothing happens before confirmation */
    ck_assert_str_eq (qs_json_str (qs_json_path (state, "_run"), "next", ""), "execute");

    /* "another worker": only the serialised checkpoint survives */
    json_object *copy = json_tokener_parse (json_object_to_json_string (state));
    json_object_put (state);
    ctx_t ctx2 = {0};
    hooks.arg = &ctx2;
    ck_assert_int_eq (qs_graph_resume (&s_graph, copy, &ctx2, &hooks, &err), QS_RUN_DONE);
    ck_assert_int_eq (ctx2.executed, 1);
    ck_assert_str_eq (qs_graph_status (copy), "done");
    ck_assert_ptr_nonnull (qs_json_path (copy, "_run.timings_ms.execute"));
    ck_assert_str_eq (ctx2.steps, "execute:start execute:ok flaky:start flaky:ok ");
    /* a finished run cannot be resumed again */
    ck_assert_int_eq (qs_graph_resume (&s_graph, copy, &ctx2, &hooks, &err), QS_RUN_FAILED);
    ck_assert_int_eq (err.status, 409);
    ck_assert_int_eq (ctx2.executed, 1);
    json_object_put (copy);
}
END_TEST

START_TEST (test_router_and_retry)
{
    ctx_t ctx = {.flaky_failures = 2};
    qs_graph_hooks_t hooks = {s_cp, s_on_step, &ctx, 1};
    qs_err_t err = {0};
    json_object *state = json_object_new_object ();
    qs_json_add_bool (state, "needs_confirmation", false);
    ck_assert_int_eq (qs_graph_run (&s_graph, "run2", state, &ctx, &hooks, &err), QS_RUN_DONE);
    ck_assert_int_eq (ctx.executed, 1);
    ck_assert_int_eq (qs_json_int (qs_json_path (state, "_run.attempts"), "flaky", 0), 3);
    ck_assert_ptr_nonnull (strstr (ctx.steps, "flaky:retry flaky:retry flaky:ok"));
    ck_assert_int_eq (ctx.checkpoints, 3);   /* after each of plan, execute, flaky */
    json_object_put (state);

    /* retries exhausted: the run fails with the node's error */
    ctx_t ctx2 = {.flaky_failures = 5};
    hooks.arg = &ctx2;
    state = json_object_new_object ();
    qs_json_add_bool (state, "needs_confirmation", false);
    ck_assert_int_eq (qs_graph_run (&s_graph, "run3", state, &ctx2, &hooks, &err), QS_RUN_FAILED);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (qs_graph_status (state), "failed");
    json_object_put (state);
}
END_TEST

START_TEST (test_failures)
{
    ctx_t ctx = {0};
    qs_graph_hooks_t hooks = {s_cp, NULL, &ctx, 1};
    qs_err_t err = {0};
    json_object *state = json_object_new_object ();
    ck_assert_int_eq (qs_graph_run (&s_bad, "r", state, &ctx, &hooks, &err), QS_RUN_FAILED);
    ck_assert_int_eq (err.status, 422);
    ck_assert_str_eq (qs_json_str (qs_json_path (state, "_run"), "error", ""), "cannot do that");
    json_object_put (state);

    state = json_object_new_object ();
    ck_assert_int_eq (qs_graph_run (&s_cycle, "r", state, &ctx, NULL, &err), QS_RUN_FAILED);
    ck_assert_int_eq (err.status, 500);
    json_object_put (state);

    /* the store failing at a checkpoint stops the run */
    ctx_t ctx3 = {.fail_checkpoint_at = 1};
    hooks.arg = &ctx3;
    state = json_object_new_object ();
    ck_assert_int_eq (qs_graph_run (&s_graph, "r", state, &ctx3, &hooks, &err), QS_RUN_FAILED);
    ck_assert_int_eq (err.status, 503);
    json_object_put (state);

    /* resuming a state of another graph is refused */
    state = json_object_new_object ();
    ck_assert_int_eq (qs_graph_resume (&s_graph, state, &ctx, NULL, &err), QS_RUN_FAILED);
    ck_assert_int_eq (err.status, 400);
    json_object_put (state);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_graph");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_interrupt_and_resume_elsewhere);
    tcase_add_test (tc, test_router_and_retry);
    tcase_add_test (tc, test_failures);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
