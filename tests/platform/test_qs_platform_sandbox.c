/*  qs_platform against the real quickspin-sandbox binary over HTTP:
    the happy paths of every call, idempotent replay, tenancy, and the
    sandbox's fault injection (5xx, slow past the deadline, 401, malformed
    bodies) giving clear errors within the deadline. Skipped (77) when the
    sandbox is not built. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_platform.h"
#include "qs_pricing.h"
#include "qs_harness.h"
#include "qs_util.h"

static qs_platform_t *s_pf;
static qs_auth_t s_auth;

static const char *const s_env[] = { "QS_JWT_SECRET=" QS_HARNESS_TEST_SECRET, NULL };

static void
s_setup (void)
{
    ck_assert_int_eq (qs_harness_sandbox_reset (qs_harness_fixture_get ()), 0);
    s_pf = qs_platform_new (qs_harness_sandbox (qs_harness_fixture_get ()));
    ck_assert_ptr_nonnull (s_pf);
    ck_assert_int_eq (qs_harness_auth (&s_auth, QS_HARNESS_TEST_SECRET, "alice", "org-acme", "member", "pro"), 0);
}

static void
s_teardown (void)
{
    qs_platform_destroy (&s_pf);
}

static qs_platform_ctx_t
s_ctx (int64_t ms)
{
    qs_platform_ctx_t c = {.auth = &s_auth, .deadline_ms = qs_now_ms () + ms, .request_id = "itest"};
    return c;
}

START_TEST (test_read_paths)
{
    qs_platform_ctx_t ctx = s_ctx (5000);
    json_object *o = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &o, &err), 0);
    int n = (int) json_object_array_length (o);
    ck_assert_int_ge (n, 5);
    for (int i = 0; i < n; i++)
        ck_assert_str_eq (qs_json_str (json_object_array_get_idx (o, i), "namespace", ""), "qs-acme");
    json_object_put (o);

    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc-acme-cache", &o, &err), 0);
    ck_assert_str_eq (qs_json_str (o, "service_type", ""), "redis");
    json_object *svc = o;

    json_object *pricing = NULL;
    ck_assert_int_eq (qs_platform_pricing (s_pf, &ctx, &pricing, &err), 0);
    /* the platform's own monthly_cost follows the contract's formula */
    double h, m;
    ck_assert_int_eq (qs_pricing_estimate (pricing, svc, &h, &m, &err), 0);
    ck_assert_double_eq_tol (m, qs_json_double (svc, "monthly_cost", -1), 0.011);
    ck_assert_ptr_nonnull (qs_pricing_smallest_tier (pricing, 1));
    json_object_put (pricing);
    json_object_put (svc);

    ck_assert_int_eq (qs_platform_service_metrics (s_pf, &ctx, "svc-acme-cache", "7d", &o, &err), 0);
    ck_assert_ptr_nonnull (qs_json_get (o, "cpu_utilization", json_type_object));
    json_object_put (o);
    ck_assert_int_eq (qs_platform_service_logs (s_pf, &ctx, "svc-acme-cache", 5, &o, &err), 0);
    ck_assert_int_le ((int) json_object_array_length (o), 5);
    ck_assert_int_ge ((int) json_object_array_length (o), 1);
    json_object_put (o);
    ck_assert_int_eq (qs_platform_quotas (s_pf, &ctx, &o, &err), 0);
    ck_assert_str_eq (qs_json_str (o, "plan", ""), "pro");
    json_object_put (o);

    /* another org's service is simply not found */
    ck_assert_int_eq (qs_harness_auth (&s_auth, QS_HARNESS_TEST_SECRET, "bob", "org-globex", "admin", "enterprise"), 0);
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc-acme-cache", &o, &err), -1);
    ck_assert_int_eq (err.status, 404);
}
END_TEST

START_TEST (test_create_replay_patch_delete)
{
    qs_platform_ctx_t ctx = s_ctx (5000);
    json_object *a = NULL, *b = NULL, *o = NULL;
    qs_err_t err = {0};
    const char *cfg_text = "{\"service_type\":\"redis\",\"name\":\"itest-cache\",\"tier\":\"small\","
                           "\"replicas\":1,\"high_availability\":false,\"backup_enabled\":false,"
                           "\"environment\":\"development\",\"region\":\"us-east-1\"}";
    const char *why;
    json_object *cfg = qs_json_parse (cfg_text, strlen (cfg_text), &why);
    ck_assert_int_eq (qs_platform_create_service (s_pf, &ctx, cfg, "itest-key-1", &a, &err), 0);
    ck_assert_str_eq (qs_json_str (a, "status", ""), "provisioning");
    /* a replay (a resumed workflow) returns the same service */
    ck_assert_int_eq (qs_platform_create_service (s_pf, &ctx, cfg, "itest-key-1", &b, &err), 0);
    ck_assert_str_eq (qs_json_str (a, "id", "a"), qs_json_str (b, "id", "b"));
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (a, "id", ""));
    json_object_put (a);
    json_object_put (b);
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &o, &err), 0);
    int same = 0;
    for (size_t i = 0; i < json_object_array_length (o); i++)
        same += strcmp (qs_json_str (json_object_array_get_idx (o, i), "name", ""), "itest-cache") == 0;
    ck_assert_int_eq (same, 1);
    json_object_put (o);
    /* a new key with the same name is a clear conflict */
    ck_assert_int_eq (qs_platform_create_service (s_pf, &ctx, cfg, "itest-key-2", &b, &err), -1);
    ck_assert_int_eq (err.status, 409);
    json_object_put (cfg);

    json_object *fields = qs_json_parse ("{\"replicas\":2}", 14, &why);
    /* still provisioning: a clear conflict */
    ck_assert_int_eq (qs_platform_patch_service (s_pf, &ctx, id, fields, &o, &err), -1);
    ck_assert_int_eq (err.status, 409);
    ck_assert_str_eq (err.code, "conflict");
    /* provisioning finishes after the sandbox's short delay */
    bool running = false;
    for (int i = 0; i < 40 && !running; i++) {
        ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, id, &o, &err), 0);
        running = strcmp (qs_json_str (o, "status", ""), "running") == 0;
        json_object_put (o);
        if (!running)
            usleep (100000);
    }
    ck_assert (running);
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_patch_service (s_pf, &ctx, id, fields, &o, &err), 0);
    ck_assert_int_eq (qs_json_int (o, "replicas", 0), 2);
    json_object_put (o);
    json_object_put (fields);

    /* members may not delete (contract roles): 403 with a hint */
    ck_assert_int_eq (qs_platform_delete_service (s_pf, &ctx, id, &err), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_ptr_nonnull (strstr (err.message, "admin"));
    ck_assert_int_eq (qs_harness_auth (&s_auth, QS_HARNESS_TEST_SECRET, "carol", "org-acme", "admin", "pro"), 0);
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_delete_service (s_pf, &ctx, id, &err), 0);
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, id, &o, &err), -1);
    ck_assert_int_eq (err.status, 404);
}
END_TEST

START_TEST (test_faults)
{
    json_object *o = NULL;
    qs_err_t err = {0};
    qs_platform_ctx_t ctx;

    /* a transient 503 is retried away */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/quotas\",\"status\":503,\"count\":1}"), 0);
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_quotas (s_pf, &ctx, &o, &err), 0);
    json_object_put (o);

    /* a platform that keeps failing: a clear 503 */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/pricing\",\"status\":500,\"count\":-1}"), 0);
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_pricing (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "platform_unavailable");

    /* slow past the deadline: 504 close to the deadline, not after the delay */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/services\",\"method\":\"GET\",\"delay_ms\":3000,\"count\":1}"), 0);
    ctx = s_ctx (500);
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_lt (qs_mono_ms () - t0, 2000);
    ck_assert_int_eq (err.status, 504);
    ck_assert_str_eq (err.code, "platform_timeout");

    /* a malformed body */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/services/svc-acme-jobs\",\"status\":200,\"body\":\"{\\\"id\\\":\",\"count\":-1}"), 0);
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc-acme-jobs", &o, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert_str_eq (err.code, "platform_bad_response");
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/services/svc-acme-cache\",\"truncate\":true,\"count\":-1}"), 0);
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc-acme-cache", &o, &err), -1);
    ck_assert_int_eq (err.status, 502);

    /* a token the platform does not accept */
    snprintf (s_auth.token, sizeof s_auth.token, "not-a-jwt");
    ctx = s_ctx (5000);
    ck_assert_int_eq (qs_platform_quotas (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 401);
    ck_assert_str_eq (err.code, "unauthorized");
    ck_assert_ptr_null (strstr (err.message, "not-a-jwt"));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_platform_sandbox");
    TCase *tc = tcase_create ("sandbox");
    qs_harness_fixture (tc, &(qs_harness_spec_t) { .sandbox = true, .env = s_env }, NULL);
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_read_paths);
    tcase_add_test (tc, test_create_replay_patch_delete);
    tcase_add_test (tc, test_faults);
    suite_add_tcase (s, tc);
    return s;
}

QS_HARNESS_MAIN (s_suite, "tests/sandbox/quickspin-sandbox")
