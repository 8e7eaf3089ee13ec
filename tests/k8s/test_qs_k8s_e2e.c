/*  End to end: the quickspin-k8s binary registered with a real broker,
    called over ZeroMQ with a user's identity, reading the sandbox. Skipped
    (77) when the sandbox, broker or k8s binaries are not built. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_client.h"
#include "qs_json.h"
#include "qs_harness.h"
#include "qs_util.h"


static const char *const s_env[] = { "QS_JWT_SECRET=" QS_HARNESS_TEST_SECRET, NULL };

static int
s_call (qs_client_t *c, const qs_auth_t *auth, const char *op, const char *body_text,
        json_object **reply, qs_err_t *err)
{
    const char *why;
    json_object *body = qs_json_parse (body_text, strlen (body_text), &why);
    qs_call_t call = {.service = "k8s", .op = op, .request_id = "e2e-req-1",
                      .deadline_ms = qs_now_ms () + 8000, .auth = auth, .body = body};
    int rc = qs_client_call (c, &call, reply, err, NULL, NULL);
    json_object_put (body);
    return rc;
}

START_TEST (test_pods_over_the_bus)
{
    qs_client_t *c = qs_client_new (qs_harness_bus (qs_harness_fixture_get ()));
    ck_assert_ptr_nonnull (c);
    int workers = 0;
    for (int i = 0; i < 100 && workers <= 0; i++) {
        workers = qs_client_discover (c, "k8s", 500);
        if (workers <= 0)
            usleep (100000);
    }
    ck_assert_int_ge (workers, 1);
    qs_auth_t auth;
    ck_assert_int_eq (qs_harness_auth (&auth, QS_HARNESS_TEST_SECRET, "alice", "org-acme", "member", "pro"), 0);
    json_object *r = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (s_call (c, &auth, "pods", "{\"service_id\":\"svc-acme-cache\"}", &r, &err), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "pods.0.containers.0.lastState.terminated"), "reason", ""),
                      "OOMKilled");
    json_object_put (r);
    /* a viewer may not restart: 403 comes back through the bus */
    ck_assert_int_eq (qs_harness_auth (&auth, QS_HARNESS_TEST_SECRET, "vic", "org-acme", "viewer", "pro"), 0);
    ck_assert_int_eq (s_call (c, &auth, "restart", "{\"service_id\":\"svc-acme-cache\",\"pod\":\"x\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 403);
    qs_client_destroy (&c);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_k8s_e2e");
    TCase *tc = tcase_create ("bus");
    qs_harness_fixture (tc, &(qs_harness_spec_t) { .sandbox = true, .brokers = 1, .env = s_env,
                                                    .workers = { { .kind = "k8s" } } }, NULL);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_pods_over_the_bus);
    suite_add_tcase (s, tc);
    return s;
}

QS_HARNESS_MAIN (s_suite, "tests/sandbox/quickspin-sandbox", "gateway/quickspin-broker", "k8s-svc/quickspin-k8s")
