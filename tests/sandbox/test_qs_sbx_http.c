/*  Integration: the quickspin-sandbox binary over real HTTP (qs_http),
    started by qs_harness. */
#include "../qs_test.h"
#include "sbx_test_util.h"
#include "qs_http.h"
#include "qs_util.h"
#include <signal.h>
#include <unistd.h>
#include "qs_harness.h"

/*  One request; returns the status, fills *body (caller frees). */
static long
s_http (int port, const char *method, const char *path, const char *auth, const char *body,
        const char *idem, char **out, double *seconds)
{
    char url[512], auth_line[4200], idem_line[256];
    const char *headers[4] = {"X-Request-Id: it-req-1"};
    size_t n = 1;
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    if (auth) {
        snprintf (auth_line, sizeof auth_line, "Authorization: %s", auth);
        headers[n++] = auth_line;
    }
    if (idem) {
        snprintf (idem_line, sizeof idem_line, "Idempotency-Key: %s", idem);
        headers[n++] = idem_line;
    }
    qs_http_t *http = qs_http_new ();
    ck_assert_ptr_nonnull (http);
    qs_http_req_t req = {.method = method, .url = url, .headers = headers, .body = body,
                         .body_len = body ? strlen (body) : 0, .timeout_ms = 10000};
    qs_http_resp_t resp;
    int64_t t0 = qs_mono_ms ();
    long status = qs_http_perform (http, &req, &resp) == 0 ? resp.status : 0;
    if (seconds)
        *seconds = (double) (qs_mono_ms () - t0) / 1000.0;
    if (out) {
        *out = resp.body;
        resp.body = NULL;
    }
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
    return status;
}

static qs_harness_t *s_h;
static int s_port;
//  the built-in Kubernetes token: the harness's is not set for this sandbox
static const char *const s_env[] = { "QS_JWT_SECRET=" SBX_SECRET, "QS_SANDBOX_K8S_TOKEN=" QS_SBX_K8S_DEFAULT_TOKEN,
                                     NULL };

static void
s_start (void)
{
    s_h = qs_harness_new (&(qs_harness_spec_t) { .sandbox = true, .env = s_env });
    ck_assert_msg (s_h != NULL, "the sandbox did not come up");
    s_port = atoi (strrchr (qs_harness_sandbox (s_h), ':') + 1);
}

/*  Stop it and require a clean exit (ASan reports leaks as a failure). */
static void
s_stop (void)
{
    ck_assert_int_eq (qs_proc_stop (qs_harness_proc (s_h, "sandbox"), SIGTERM, 15000), 0);
    qs_harness_destroy (&s_h);
}

static json_object *
s_json (const char *text)
{
    const char *why = NULL;
    return text ? qs_json_parse (text, strlen (text), &why) : NULL;
}

START_TEST (serves_platform_and_k8s)
{
    s_start ();
    char *tok = sbx_token ("user-acme-dev", "org-acme", "member", 600, SBX_SECRET), *body = NULL;
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/services", NULL, NULL, NULL, &body, NULL), 401);
    free (body);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/services", tok, NULL, NULL, &body, NULL), 200);
    json_object *o = s_json (body);
    ck_assert_int_ge ((int) json_object_array_length (qs_json_get (o, "services", json_type_array)), 11);
    json_object_put (o);
    free (body);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/namespaces/qs-acme/pods?labelSelector=quickspin.io%2Fservice-id%3Dsvc-acme-cache",
                              SBX_K8S, NULL, NULL, &body, NULL), 200);
    o = s_json (body);
    ck_assert_str_eq (qs_json_str (qs_json_path (o, "items.0.status.containerStatuses.0.lastState.terminated"), "reason", ""), "OOMKilled");
    json_object_put (o);
    free (body);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/namespaces/qs-acme/pods/acme-broker-0/log?previous=true&tailLines=3",
                              SBX_K8S, NULL, NULL, &body, NULL), 200);
    ck_assert_ptr_nonnull (strstr (body, "\n"));
    free (body);
    free (tok);
    s_stop ();
}
END_TEST

START_TEST (provision_then_running_then_delete)
{
    s_start ();
    char *member = sbx_token ("user-acme-dev", "org-acme", "member", 600, SBX_SECRET);
    char *admin = sbx_token ("user-acme-admin", "org-acme", "admin", 600, SBX_SECRET);
    const char *cfg = "{\"service_type\":\"postgresql\",\"name\":\"it-db\",\"tier\":\"small\",\"replicas\":1,"
                      "\"high_availability\":false,\"backup_enabled\":true,\"environment\":\"development\"}";
    char *body = NULL, path[128];
    ck_assert_int_eq (s_http (s_port, "POST", "/api/v1/services", member, cfg, "it-key", &body, NULL), 201);
    json_object *o = s_json (body);
    free (body);
    char id[64];
    qs_strlcpy (id, qs_json_str (o, "id", ""), sizeof id);
    ck_assert_str_eq (qs_json_str (o, "status", ""), "provisioning");
    json_object_put (o);
    ck_assert_int_eq (s_http (s_port, "POST", "/api/v1/services", member, cfg, "it-key", &body, NULL), 200);
    o = s_json (body);
    ck_assert_str_eq (qs_json_str (o, "id", ""), id);
    json_object_put (o);
    free (body);
    snprintf (path, sizeof path, "/api/v1/services/%s", id);
    bool running = false;
    for (int i = 0; i < 60 && !running; i++) {
        ck_assert_int_eq (s_http (s_port, "GET", path, member, NULL, NULL, &body, NULL), 200);
        o = s_json (body);
        running = !strcmp (qs_json_str (o, "status", ""), "running");
        json_object_put (o);
        free (body);
        if (!running)
            usleep (50000);
    }
    ck_assert (running);
    ck_assert_int_eq (s_http (s_port, "PATCH", path, member, "{\"replicas\":2}", NULL, &body, NULL), 200);
    o = s_json (body);
    ck_assert_double_eq_tol (qs_json_double (o, "monthly_cost", 0), 0.04 * 730 * 2 * 1.2, 1e-6);
    json_object_put (o);
    free (body);
    ck_assert_int_eq (s_http (s_port, "PATCH", "/apis/apps/v1/namespaces/qs-acme/statefulsets/it-db/scale", SBX_K8S,
                              "{\"spec\":{\"replicas\":3}}", NULL, &body, NULL), 200);
    o = s_json (body);
    ck_assert_int_eq (qs_json_int (qs_json_path (o, "spec"), "replicas", 0), 3);
    json_object_put (o);
    free (body);
    ck_assert_int_eq (s_http (s_port, "DELETE", "/api/v1/namespaces/qs-acme/pods/it-db-2", SBX_K8S, NULL, NULL, NULL, NULL), 200);
    ck_assert_int_eq (s_http (s_port, "DELETE", path, admin, NULL, NULL, NULL, NULL), 204);
    ck_assert_int_eq (s_http (s_port, "GET", path, admin, NULL, NULL, NULL, NULL), 404);
    free (member);
    free (admin);
    s_stop ();
}
END_TEST

START_TEST (slow_and_failing_faults)
{
    s_start ();
    char *tok = sbx_token ("u", "org-acme", "member", 600, SBX_SECRET), *body = NULL;
    double secs = 0;
    ck_assert_int_eq (s_http (s_port, "POST", "/__sandbox/faults", NULL,
                              "{\"path_prefix\":\"/api/v1/quotas\",\"delay_ms\":700}", NULL, NULL, NULL), 201);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/quotas", tok, NULL, NULL, &body, &secs), 200);
    ck_assert (secs >= 0.65);
    free (body);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/quotas", tok, NULL, NULL, &body, &secs), 200);
    ck_assert (secs < 0.6);
    free (body);
    ck_assert_int_eq (s_http (s_port, "POST", "/__sandbox/faults", NULL,
                              "{\"path_prefix\":\"/api/v1/services\",\"status\":502}", NULL, NULL, NULL), 201);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/services", tok, NULL, NULL, NULL, NULL), 502);
    ck_assert_int_eq (s_http (s_port, "GET", "/api/v1/services", tok, NULL, NULL, NULL, NULL), 200);
    free (tok);
    s_stop ();
}
END_TEST

START_TEST (refuses_non_loopback)
{
    char addr[64];
    snprintf (addr, sizeof addr, "QS_SANDBOX_ADDR=0.0.0.0:%d", qs_free_port ());
    char *env[] = { addr, NULL };
    char *bin = qs_build_path ("tests/sandbox/quickspin-sandbox");
    qs_proc_t *proc = qs_proc_start ("sandbox-remote", bin, NULL, env);
    free (bin);
    ck_assert_ptr_nonnull (proc);
    /* exit status 2: a usage error, not a signal */
    ck_assert_int_eq (qs_proc_wait (proc, 10000), 2);
    qs_proc_destroy (&proc);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sbx_http");
    TCase *tc = tcase_create ("binary");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, serves_platform_and_k8s);
    tcase_add_test (tc, provision_then_running_then_delete);
    tcase_add_test (tc, slow_and_failing_faults);
    tcase_add_test (tc, refuses_non_loopback);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
