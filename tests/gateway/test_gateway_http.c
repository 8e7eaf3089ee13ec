/*  test_gateway_http - the real quickspin-gateway binary (embedded broker)
    and test workers on loopback, checked over HTTP: health, auth, the whole
    dispatch path, error shapes, 503 without a worker, 504 on the deadline.
    SSE order / keep-alive / cancel, rate limiting, metrics under promtool,
    readiness and the static page are in test_gateway_ops.c; both run in
    this file's one test case, so the gateway starts once. */
#include "../qs_test.h"
#include "qs_gw_client.h"
#include "qs_harness.h"
#include "test_gateway_ops.h"
#include "qs_json.h"
#include "qs_util.h"
#include <curl/curl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static qs_harness_t *s_h;
static qs_proc_t *s_workflow;

//  the test settings: small limits make "overloaded" and 429 easy to reach
static const char *const s_env[] = {
    "QS_HTTP_THREADS=8", "QS_JWT_SECRET=" QS_GW_TEST_SECRET, "QS_REQUEST_TIMEOUT_MS=1500",
    "QS_SSE_KEEPALIVE_MS=200", "QS_MAX_BODY_BYTES=65536", "QS_RATE_LIMIT_RPS=5",
    "QS_RATE_LIMIT_BURST=10", "QS_WEB_ROOT=" QS_TEST_WEB_ROOT, "QS_SHUTDOWN_GRACE_MS=1000",
    "QS_BROKER_QUEUE_LIMIT=1", "ZSYS_SIGHANDLER=false", NULL
};

qs_harness_t *
test_gateway_suite (void)
{
    return s_h;
}

qs_proc_t *
test_gateway_worker (const char *service)
{
    const char *args[] = { service, NULL };
    return test_gateway_worker_env (service, args, NULL);
}

qs_proc_t *
test_gateway_worker_env (const char *service, const char *const *args, const char *const *env)
{
    return qs_harness_add (s_h, &(qs_harness_workers_t) {
        .kind = service, .bin = "tests/gateway/qs_gw_test_worker", .args = args, .env = env });
}

static void
s_setup (void)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    //  with its embedded broker, or a quickspin-broker process
    bool separate = getenv ("QS_TEST_SEPARATE_BROKER") != NULL;
    qs_harness_spec_t spec = { .brokers = separate ? 1 : 0, .embedded_broker = !separate,
                               .gateway = true, .env = s_env, .wait_health_ms = 15000 };
    s_h = qs_harness_new (&spec);
    if (!s_h) {
        fprintf (stderr, "gateway did not start\n");
        exit (EXIT_FAILURE);
    }
    qs_gw_client_port (qs_harness_gateway_port (s_h));
    s_workflow = test_gateway_worker ("workflow");
    //  Ready for work once a chat answers 200; give up after 20 s
    char *token = qs_gw_token ("u-wait", NULL, 600, NULL);
    long status = 0;
    int64_t give_up = qs_mono_ms () + 20000;
    while (status != 200 && qs_mono_ms () < give_up) {
        qs_gw_resp_t r;
        qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = "{\"message\":\"hi\"}" }, &r);
        status = r.status;
        qs_gw_resp_free (&r);
        if (status != 200)
            usleep (250000);
    }
    free (token);
    if (status != 200) {
        fprintf (stderr, "the workflow test worker never answered (last status %ld)\n", status);
        qs_harness_destroy (&s_h);
        exit (EXIT_FAILURE);
    }
}

static void
s_teardown (void)
{
    int wrc = qs_proc_stop (s_workflow, SIGTERM, 15000);
    int grc = qs_harness_stop (s_h);
    qs_harness_destroy (&s_h);
    curl_global_cleanup ();
    if (wrc != 0 || grc != 0) {
        fprintf (stderr, "unclean exit: worker %d, gateway %d\n", wrc, grc);
        exit (EXIT_FAILURE);
    }
}

START_TEST (test_health_and_request_id)
{
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health", .request_id = "my-req-1" }, &r);
    ck_assert_int_eq (r.status, 200);
    json_object *obj = json_tokener_parse (r.body);
    ck_assert_str_eq (qs_json_str (obj, "status", ""), "ok");
    ck_assert_str_ne (qs_json_str (obj, "version", ""), "");
    char rid[128];
    ck_assert_str_eq (qs_gw_header (&r, "X-Request-Id", rid, sizeof rid), "my-req-1");
    json_object_put (obj);
    qs_gw_resp_free (&r);
    //  an insane id is replaced, not echoed
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health", .request_id = "bad id <x>" }, &r);
    ck_assert_ptr_nonnull (qs_gw_header (&r, "X-Request-Id", rid, sizeof rid));
    ck_assert_str_ne (rid, "bad id <x>");
    ck_assert_uint_gt (strlen (rid), 0);
    qs_gw_resp_free (&r);
}
END_TEST

START_TEST (test_auth_rejections)
{
    char *expired = qs_gw_token ("u-auth", NULL, -3600, NULL);
    char *wrong = qs_gw_token ("u-auth", NULL, 600, "some-other-secret-0123456789abcdef");
    //  alg none: header {"alg":"none"}, payload with valid claims, empty signature
    char *none = strdup ("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                         "eyJzdWIiOiJ1Iiwib3JnX2lkIjoibyIsImV4cCI6NDEwMjQ0NDgwMH0.");
    const qs_gw_req_t cases[] = {
        { .path = "/api/v1/recommendations" },
        { .path = "/api/v1/recommendations", .auth_header = "Basic dXNlcjpwYXNz" },
        { .path = "/api/v1/recommendations", .auth_header = "Bearer not.a.jwt" },
        { .path = "/api/v1/recommendations", .token = expired },
        { .path = "/api/v1/recommendations", .token = wrong },
        { .path = "/api/v1/recommendations", .token = none },
        { .method = "POST", .path = "/api/v1/chat", .token = wrong, .body = "{\"message\":\"x\"}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qs_gw_resp_t r;
        qs_gw_http (&cases[i], &r);
        json_object_put (qs_gw_error_shape (&r, 401, "unauthorized"));
        char www[128];
        ck_assert_ptr_nonnull (qs_gw_header (&r, "WWW-Authenticate", www, sizeof www));
        //  the token never comes back
        if (cases[i].token)
            ck_assert_ptr_null (strstr (r.body, cases[i].token));
        qs_gw_resp_free (&r);
    }
    free (expired);
    free (wrong);
    free (none);
}
END_TEST

START_TEST (test_whole_path)
{
    char *token = qs_gw_token ("u-path", "[\"member\"]", 600, NULL);
    const char *tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                 .body = "{\"message\":\"h\xc3\xa9llo\",\"conversation_id\":\"c9\"}",
                                 .request_id = "path-1", .traceparent = tp }, &r);
    ck_assert_msg (r.status == 200, "%ld %s", r.status, r.body);
    json_object *obj = json_tokener_parse (r.body);
    ck_assert_str_eq (qs_json_str (obj, "op", ""), "chat");
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "body", json_type_object), "message", ""),
                      "h\xc3\xa9llo");
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "body", json_type_object), "conversation_id", ""),
                      "c9");
    ck_assert_str_eq (qs_json_str (obj, "sub", ""), "u-path");
    ck_assert_str_eq (qs_json_str (obj, "org_id", ""), "org-1");
    ck_assert_str_eq (qs_json_str (obj, "tier", ""), "pro");
    ck_assert (qs_json_bool (obj, "has_token", false));
    ck_assert_str_eq (qs_json_str (obj, "request_id", ""), "path-1");
    ck_assert_ptr_nonnull (strstr (qs_json_str (obj, "traceparent", ""),
                                   "4bf92f3577b34da6a3ce929d0e0e4736"));
    json_object_put (obj);
    qs_gw_resp_free (&r);

    //  GET: query and path parameters; the path wins over a spoofed query id
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/chat/conversations/abc?x=1&id=spoof",
                                 .token = token }, &r);
    ck_assert_int_eq (r.status, 200);
    obj = json_tokener_parse (r.body);
    ck_assert_str_eq (qs_json_str (obj, "op", ""), "conversation_get");
    json_object *body = qs_json_get (obj, "body", json_type_object);
    ck_assert_str_eq (qs_json_str (body, "id", ""), "abc");
    ck_assert_str_eq (qs_json_str (body, "x", ""), "1");
    json_object_put (obj);
    qs_gw_resp_free (&r);

    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/chat/conversations?limit=5", .token = token }, &r);
    obj = json_tokener_parse (r.body);
    ck_assert_str_eq (qs_json_str (obj, "op", ""), "conversations_list");
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "body", json_type_object), "limit", ""), "5");
    json_object_put (obj);
    qs_gw_resp_free (&r);

    qs_gw_http (&(qs_gw_req_t) { .method = "DELETE", .path = "/api/v1/chat/conversations/abc",
                                 .token = token }, &r);
    ck_assert_int_eq (r.status, 204);
    ck_assert_uint_eq (r.len, 0);
    qs_gw_resp_free (&r);

    //  confirm with no body at all: {} plus the action id
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/actions/act1/confirm",
                                 .token = token }, &r);
    ck_assert_msg (r.status == 200, "%ld %s", r.status, r.body);
    obj = json_tokener_parse (r.body);
    ck_assert_str_eq (qs_json_str (obj, "op", ""), "action_confirm");
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "body", json_type_object), "action_id", ""),
                      "act1");
    json_object_put (obj);
    qs_gw_resp_free (&r);

    //  a worker's error reaches the client in the contract's shape
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                 .body = "{\"message\":\"fail\"}", .request_id = "fail-1" }, &r);
    obj = qs_gw_error_shape (&r, 422, "invalid_input");
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "error", json_type_object), "request_id", ""),
                      "fail-1");
    json_object_put (obj);
    qs_gw_resp_free (&r);
    free (token);
}
END_TEST

START_TEST (test_request_errors)
{
    char *token = qs_gw_token ("u-err", NULL, 600, NULL);
    qs_gw_expect_error (&(qs_gw_req_t) { .path = "/api/v1/nope", .token = token }, 404, "not_found");
    qs_gw_expect_error (&(qs_gw_req_t) { .path = "/api/v1/chat/conversations/a/b", .token = token },
                    404, "not_found");
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/chat", .token = token }, &r);
    json_object_put (qs_gw_error_shape (&r, 405, "method_not_allowed"));
    char allow[64];
    ck_assert_str_eq (qs_gw_header (&r, "Allow", allow, sizeof allow), "POST");
    qs_gw_resp_free (&r);
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = "message=hi", .content_type = "text/plain" },
                    415, "unsupported_media_type");
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = "{\"message\":" }, 400, "bad_request");
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = "{\"message\":\"\"}" }, 400, "bad_request");
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = "{\"message\":\"\xff\"}" }, 400, "bad_request");
    //  8001 characters
    char *big = malloc (8100);
    memcpy (big, "{\"message\":\"", 12);
    memset (big + 12, 'a', 8001);
    memcpy (big + 12 + 8001, "\"}", 3);
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = big }, 400, "bad_request");
    free (big);
    //  over QS_MAX_BODY_BYTES (65536)
    size_t n = 70000;
    char *huge = malloc (n + 1);
    memset (huge, ' ', n);
    huge[0] = '{';
    huge[n - 1] = '}';
    huge[n] = '\0';
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat", .token = token,
                                     .body = huge }, 413, "payload_too_large");
    free (huge);
    //  the server is still fine afterwards
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health" }, &r);
    ck_assert_int_eq (r.status, 200);
    qs_gw_resp_free (&r);
    free (token);
}
END_TEST

START_TEST (test_roles)
{
    char *viewer = qs_gw_token ("u-viewer", "[\"viewer\"]", 600, NULL);
    char *member = qs_gw_token ("u-member", "[\"member\"]", 600, NULL);
    char *admin = qs_gw_token ("u-admin", "[\"admin\"]", 600, NULL);
    const char *doc = "{\"title\":\"t\",\"content\":\"c\",\"topic\":\"x\",\"category\":\"y\"}";
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/knowledge/documents",
                                     .token = viewer, .body = doc }, 403, "forbidden");
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/knowledge/documents",
                                     .token = member, .body = doc }, 403, "forbidden");
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "DELETE", .path = "/api/v1/knowledge/documents/d1",
                                     .token = member }, 403, "forbidden");
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/actions/a1/confirm",
                                     .token = viewer }, 403, "forbidden");
    //  an admin passes the gateway and meets the missing knowledge worker
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/knowledge/documents",
                                     .token = admin, .body = doc }, 503, "service_unavailable");
    free (viewer);
    free (member);
    free (admin);
}
END_TEST

START_TEST (test_ping_route)
{
    char *token = qs_gw_token ("u-ping", NULL, 600, NULL);
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/ping/workflow", .token = token }, &r);
    ck_assert_msg (r.status == 200, "%ld %s", r.status, r.body);
    json_object *pong = json_tokener_parse (r.body);
    ck_assert_ptr_nonnull (pong);
    json_object_put (pong);
    qs_gw_resp_free (&r);
    qs_gw_expect_error (&(qs_gw_req_t) { .path = "/api/v1/ping/knowledge", .token = token },
                    503, "service_unavailable");
    qs_gw_expect_error (&(qs_gw_req_t) { .path = "/api/v1/ping/other", .token = token },
                    404, "not_found");
    qs_gw_expect_error (&(qs_gw_req_t) { .path = "/api/v1/ping/workflow" }, 401, "unauthorized");
    free (token);
}
END_TEST

START_TEST (test_no_worker_503)
{
    char *token = qs_gw_token ("u-503", NULL, 600, NULL);
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/knowledge/search?q=redis", .token = token }, &r);
    json_object_put (qs_gw_error_shape (&r, 503, "service_unavailable"));
    qs_gw_resp_free (&r);
    free (token);
}
END_TEST

START_TEST (test_deadline_504)
{
    char *token = qs_gw_token ("u-504", NULL, 600, NULL);
    int64_t t0 = qs_mono_ms ();
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/chat/conversations/slow", .token = token }, &r);
    int64_t took = qs_mono_ms () - t0;
    json_object_put (qs_gw_error_shape (&r, 504, "deadline_exceeded"));
    //  QS_REQUEST_TIMEOUT_MS is 1500: answered at the deadline, not at the worker's 10 s
    ck_assert_msg (took >= 1300 && took < 5000, "took %lld ms", (long long) took);
    qs_gw_resp_free (&r);
    free (token);
}
END_TEST

typedef struct {
    const char *token;
    qs_gw_resp_t resp;
} s_slow_t;

static void *
s_slow_call (void *arg)
{
    s_slow_t *c = arg;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/chat/conversations/slow", .token = c->token },
                &c->resp);
    return NULL;
}

START_TEST (test_overloaded_503)
{
    //  4 worker threads busy, a queue of 1 (QS_BROKER_QUEUE_LIMIT): the rest
    //  are refused at once with 503 overloaded
    char *token = qs_gw_token ("u-overload", NULL, 600, NULL);
    enum { N = 8 };
    s_slow_t calls[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        calls[i].token = token;
        pthread_create (&th[i], NULL, s_slow_call, &calls[i]);
    }
    int overloaded = 0, expired = 0;
    for (int i = 0; i < N; i++) {
        pthread_join (th[i], NULL);
        qs_gw_resp_t *r = &calls[i].resp;
        if (r->status == 503) {
            json_object_put (qs_gw_error_shape (r, 503, "overloaded"));
            char retry[16];
            ck_assert_ptr_nonnull (qs_gw_header (r, "Retry-After", retry, sizeof retry));
            overloaded++;
        }
        else {
            json_object_put (qs_gw_error_shape (r, 504, "deadline_exceeded"));
            expired++;
        }
        qs_gw_resp_free (r);
    }
    ck_assert_msg (overloaded >= 1 && expired >= 4, "overloaded %d, expired %d",
                   overloaded, expired);
    free (token);
    //  let the workers finish the cancelled sleeps before the next test
    usleep (500000);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("gateway_http");
    TCase *tc = tcase_create ("http");
    tcase_add_unchecked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_health_and_request_id);
    tcase_add_test (tc, test_auth_rejections);
    tcase_add_test (tc, test_whole_path);
    tcase_add_test (tc, test_request_errors);
    tcase_add_test (tc, test_roles);
    tcase_add_test (tc, test_no_worker_503);
    tcase_add_test (tc, test_ping_route);
    tcase_add_test (tc, test_deadline_504);
    tcase_add_test (tc, test_overloaded_503);
    test_gateway_ops_add (tc);                  /* last: test_ready changes the workers */
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
