/*  Unit: fault injection and the control routes, socket-free. */
#include "../qs_test.h"
#include "sbx_test_util.h"

START_TEST (status_fault_counts_down)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *tok = sbx_token ("u", "org-acme", "member", 600, SBX_SECRET);
    int st;
    json_object *o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL,
                               "{\"path_prefix\":\"/api/v1/services\",\"status\":503,\"count\":2}", &st);
    ck_assert_int_eq (st, 201);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "faults", json_type_array)), 1);
    json_object_put (o);
    for (int i = 0; i < 2; i++) {
        o = sbx_call (s, "GET", "/api/v1/services", NULL, tok, NULL, &st);
        ck_assert_int_eq (st, 503);
        ck_assert_ptr_nonnull (qs_json_get (o, "error", json_type_object));
        json_object_put (o);
    }
    o = sbx_call (s, "GET", "/api/v1/services", NULL, tok, NULL, &st);
    ck_assert_int_eq (st, 200);
    json_object_put (o);
    /* other prefixes were never affected */
    o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL,
                  "{\"path_prefix\":\"/api/v1/pricing\",\"status\":500,\"method\":\"POST\"}", &st);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/pricing", NULL, tok, NULL, &st);
    ck_assert_int_eq (st, 200);
    json_object_put (o);
    free (tok);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (malformed_and_truncated_bodies)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    qs_sbx_resp_t resp;
    json_object *o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL,
                               "{\"path_prefix\":\"/api/v1/namespaces/qs-acme/pods\",\"truncate\":true}", &st);
    ck_assert_int_eq (st, 201);
    json_object_put (o);
    o = sbx_call_full (s, "GET", "/api/v1/namespaces/qs-acme/pods", NULL, SBX_K8S, NULL, NULL, 0, &st, &resp);
    ck_assert_int_eq (st, 200);
    ck_assert_ptr_null (o);                  /* not parseable */
    ck_assert_int_gt ((int) resp.body_len, 100);
    qs_sbx_resp_clear (&resp);
    o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL,
                  "{\"path_prefix\":\"/api/v1/quotas\",\"status\":200,\"body\":\"{\\\"plan\\\":\"}", &st);
    ck_assert_int_eq (st, 201);
    json_object_put (o);
    char *tok = sbx_token ("u", "org-acme", "member", 600, SBX_SECRET);
    o = sbx_call_full (s, "GET", "/api/v1/quotas", NULL, tok, NULL, NULL, 0, &st, &resp);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (resp.body, "{\"plan\":");
    ck_assert_ptr_null (o);
    qs_sbx_resp_clear (&resp);
    free (tok);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (delay_fault_keeps_real_answer)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    qs_sbx_resp_t resp;
    json_object *o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL,
                               "{\"path_prefix\":\"/version\",\"delay_ms\":1500,\"count\":-1}", &st);
    json_object_put (o);
    for (int i = 0; i < 3; i++) {
        o = sbx_call_full (s, "GET", "/version", NULL, SBX_K8S, NULL, NULL, 0, &st, &resp);
        ck_assert_int_eq (st, 200);
        ck_assert_int_eq (resp.delay_ms, 1500);
        ck_assert_str_eq (qs_json_str (o, "major", ""), "1");
        json_object_put (o);
        qs_sbx_resp_clear (&resp);
    }
    o = sbx_call (s, "GET", "/__sandbox/faults", NULL, NULL, NULL, &st);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "faults", json_type_array)), 1);
    json_object_put (o);
    o = sbx_call (s, "DELETE", "/__sandbox/faults", NULL, NULL, NULL, &st);
    ck_assert_int_eq (st, 204);
    o = sbx_call_full (s, "GET", "/version", NULL, SBX_K8S, NULL, NULL, 0, &st, &resp);
    ck_assert_int_eq (resp.delay_ms, 0);
    json_object_put (o);
    qs_sbx_resp_clear (&resp);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (bad_fault_rules)
{
    qs_sbx_server_t *s = sbx_server (0);
    const char *bad[] = {"nope", "{}", "{\"path_prefix\":\"x\",\"status\":500}",
                         "{\"path_prefix\":\"/a\",\"status\":42}", "{\"path_prefix\":\"/a\"}",
                         "{\"path_prefix\":\"/a\",\"delay_ms\":-1}", "{\"path_prefix\":\"/a\",\"status\":500,\"count\":0}"};
    int st;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_object *o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL, bad[i], &st);
        ck_assert_msg (st == 400, "rule %zu gave %d", i, st);
        json_object_put (o);
    }
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (reset_restores_seed)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *admin = sbx_token ("a", "org-acme", "admin", 600, SBX_SECRET);
    int st;
    json_object *o = sbx_call (s, "DELETE", "/api/v1/services/svc-acme-cache", NULL, admin, NULL, &st);
    ck_assert_int_eq (st, 204);
    o = sbx_call (s, "POST", "/__sandbox/faults", NULL, NULL, "{\"path_prefix\":\"/api\",\"status\":500,\"count\":-1}", &st);
    json_object_put (o);
    o = sbx_call (s, "GET", "/__sandbox/health", NULL, NULL, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert (qs_json_bool (o, "sandbox", false));
    int before = (int) qs_json_int (o, "services", 0);
    json_object_put (o);
    o = sbx_call (s, "POST", "/__sandbox/reset", NULL, NULL, NULL, &st);
    ck_assert_int_eq (st, 200);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/services/svc-acme-cache", NULL, admin, NULL, &st);
    ck_assert_int_eq (st, 200);
    json_object_put (o);
    o = sbx_call (s, "GET", "/__sandbox/health", NULL, NULL, NULL, &st);
    ck_assert_int_eq ((int) qs_json_int (o, "services", 0), before + 1);
    json_object_put (o);
    free (admin);
    qs_sbx_server_destroy (&s);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sbx_faults");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, status_fault_counts_down);
    tcase_add_test (tc, malformed_and_truncated_bodies);
    tcase_add_test (tc, delay_fault_keeps_real_answer);
    tcase_add_test (tc, bad_fault_rules);
    tcase_add_test (tc, reset_restores_seed);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
