/*  test_gateway_ops - the second half of test_gateway_http (see there for
    the fixture): SSE order / keep-alive / cancel, rate limiting, metrics
    under promtool, the static page and readiness. */
#include "../qs_test.h"
#include "qs_gw_client.h"
#include "qs_json.h"
#include "qs_util.h"
#include "test_gateway_ops.h"
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

//  The event names of an SSE body, in order, as "a,b,c".
static void
s_events (const char *body, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = body;
    while ((p = strstr (p, "event: ")) != NULL) {
        if (p != body && p[-1] != '\n') {
            p++;
            continue;
        }
        p += 7;
        size_t n = strcspn (p, "\n");
        size_t used = strlen (out);
        snprintf (out + used, size - used, "%s%.*s", used ? "," : "", (int) n, p);
    }
}

START_TEST (test_sse_order)
{
    char *token = qs_gw_token ("u-sse", NULL, 600, NULL);
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat/stream", .token = token,
                                 .body = "{\"message\":\"stream\"}", .request_id = "sse-1" }, &r);
    ck_assert_int_eq (r.status, 200);
    char ct[128], rid[128];
    ck_assert_ptr_nonnull (strstr (qs_gw_header (&r, "Content-Type", ct, sizeof ct),
                                   "text/event-stream"));
    ck_assert_str_eq (qs_gw_header (&r, "X-Request-Id", rid, sizeof rid), "sse-1");
    char events[256];
    s_events (r.body, events, sizeof events);
    ck_assert_str_eq (events, "intent,step,token,token,done");
    ck_assert_ptr_null (strstr (r.body, "not for clients"));
    //  the done event carries the final ChatResponse on one data line
    const char *done = strstr (r.body, "event: done\ndata: ");
    ck_assert_ptr_nonnull (done);
    done += strlen ("event: done\ndata: ");
    size_t n = strcspn (done, "\n");
    json_object *obj = qs_json_parse (done, n, NULL);
    ck_assert_ptr_nonnull (obj);
    ck_assert_str_eq (qs_json_str (obj, "conversation_id", ""), "conv-1");
    json_object_put (obj);
    qs_gw_resp_free (&r);

    //  a worker error after a step ends the stream with an error event
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat/stream", .token = token,
                                 .body = "{\"message\":\"stream-fail\"}" }, &r);
    ck_assert_int_eq (r.status, 200);
    s_events (r.body, events, sizeof events);
    ck_assert_str_eq (events, "step,error");
    ck_assert_ptr_nonnull (strstr (r.body, "\"code\":\"invalid_input\""));
    qs_gw_resp_free (&r);

    //  a failure before anything streamed keeps its real status
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat/stream",
                                     .token = token, .body = "{\"message\":\"fail\"}" },
                    422, "invalid_input");

    //  validation happens before the stream starts: a plain JSON 400
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat/stream",
                                     .token = token, .body = "{}" }, 400, "bad_request");
    free (token);
}
END_TEST

START_TEST (test_sse_keepalive)
{
    char *token = qs_gw_token ("u-keep", NULL, 600, NULL);
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat/stream", .token = token,
                                 .body = "{\"message\":\"stream-slow\"}" }, &r);
    ck_assert_int_eq (r.status, 200);
    ck_assert_ptr_nonnull (strstr (r.body, "\n: keep-alive\n"));
    char events[256];
    s_events (r.body, events, sizeof events);
    ck_assert_str_eq (events, "step,done");
    qs_gw_resp_free (&r);
    free (token);
}
END_TEST

START_TEST (test_sse_cancel)
{
    char *token = qs_gw_token ("u-cancel", NULL, 600, NULL);
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .method = "POST", .path = "/api/v1/chat/stream", .token = token,
                                 .body = "{\"message\":\"stream-long\"}", .request_id = "cancel-1",
                                 .abort_marker = "event: token" }, &r);
    ck_assert_int_ne (r.curl_rc, 0);             /* we hung up */
    qs_gw_resp_free (&r);
    char marker[256];
    snprintf (marker, sizeof marker, "%s/cancelled-cancel-1", qs_harness_dir (test_gateway_suite ()));
    bool seen = false;
    for (int i = 0; i < 100 && !seen; i++) {
        seen = access (marker, F_OK) == 0;
        if (!seen)
            usleep (50000);
    }
    ck_assert_msg (seen, "the worker never saw the cancel");
    free (token);
}
END_TEST

START_TEST (test_rate_limit)
{
    //  burst 10 at 5/s: the 429 comes within a few requests past the burst
    //  however slow the machine (a request would need 200 ms to outrun it)
    char *token = qs_gw_token ("u-rate", NULL, 600, NULL);
    int ok = 0, limited = 0;
    for (int i = 0; i < 60 && !limited; i++) {
        qs_gw_resp_t r;
        qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/recommendations", .token = token }, &r);
        if (r.status == 200)
            ok++;
        else {
            json_object_put (qs_gw_error_shape (&r, 429, "rate_limited"));
            char retry[16];
            ck_assert_ptr_nonnull (qs_gw_header (&r, "Retry-After", retry, sizeof retry));
            ck_assert_int_ge (atoi (retry), 1);
            limited++;
        }
        qs_gw_resp_free (&r);
    }
    ck_assert_int_ge (ok, 10);                      /* the burst */
    ck_assert_int_ge (limited, 1);
    //  another user is not affected
    char *other = qs_gw_token ("u-rate-2", NULL, 600, NULL);
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/recommendations", .token = other }, &r);
    ck_assert_int_eq (r.status, 200);
    qs_gw_resp_free (&r);
    free (other);
    free (token);
}
END_TEST

START_TEST (test_metrics_promtool)
{
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health" }, &r);
    qs_gw_resp_free (&r);
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/metrics" }, &r);
    ck_assert_int_eq (r.status, 200);
    ck_assert_ptr_nonnull (strstr (r.body, "qs_http_requests_total{route=\"/api/v1/health\""));
    ck_assert_ptr_nonnull (strstr (r.body, "qs_http_request_duration_seconds_bucket{route="));
    //  the test worker runs 4 handler threads, each a live worker to the broker
    const char *workers = strstr (r.body, "qs_bus_service_workers{service=\"workflow\"} ");
    ck_assert_ptr_nonnull (workers);
    ck_assert_int_ge (atoi (workers + strlen ("qs_bus_service_workers{service=\"workflow\"} ")), 1);
    ck_assert_ptr_nonnull (strstr (r.body, "qs_bus_service_queue_depth{service=\"workflow\"}"));
    ck_assert_ptr_null (strstr (r.body, QS_GW_TEST_SECRET));
    char path[256], cmd[400];
    snprintf (path, sizeof path, "%s/metrics.txt", qs_harness_dir (test_gateway_suite ()));
    FILE *f = fopen (path, "w");
    ck_assert_ptr_nonnull (f);
    fwrite (r.body, 1, r.len, f);
    fclose (f);
    snprintf (cmd, sizeof cmd, "promtool check metrics < '%s' 1>&2", path);
    int rc = system (cmd);
    ck_assert_msg (rc == 0, "promtool check metrics failed (%d):\n%s", rc, r.body);
    qs_gw_resp_free (&r);
}
END_TEST

START_TEST (test_static)
{
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/" }, &r);
    ck_assert_int_eq (r.status, 200);
    char ct[128];
    ck_assert_ptr_nonnull (strstr (qs_gw_header (&r, "Content-Type", ct, sizeof ct), "text/html"));
    ck_assert_ptr_nonnull (strstr (r.body, "QuickSpin AI"));
    qs_gw_resp_free (&r);
    const char *bad[] = { "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/.hidden",
                          "/nope.html", "/index.html/../../etc/passwd" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qs_gw_http (&(qs_gw_req_t) { .path = bad[i] }, &r);
        ck_assert_msg (r.status == 404 || r.status == 400, "%s gave %ld", bad[i], r.status);
        ck_assert_ptr_null (strstr (r.body, "root:"));
        qs_gw_resp_free (&r);
    }
    qs_gw_expect_error (&(qs_gw_req_t) { .method = "POST", .path = "/", .body = "{}" },
                    405, "method_not_allowed");
}
END_TEST

START_TEST (test_ready)
{
    //  only workflow runs: 503 with every check listed
    qs_gw_resp_t r;
    qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health/ready" }, &r);
    ck_assert_int_eq (r.status, 503);
    json_object *obj = json_tokener_parse (r.body);
    ck_assert_str_eq (qs_json_str (obj, "status", ""), "unavailable");
    json_object *checks = qs_json_get (obj, "checks", json_type_object);
    ck_assert_str_eq (qs_json_str (qs_json_get (checks, "broker", json_type_object), "status", ""), "ok");
    ck_assert_str_eq (qs_json_str (qs_json_get (checks, "store", json_type_object), "status", ""), "ok");
    ck_assert_str_eq (qs_json_str (qs_json_get (checks, "workflow", json_type_object), "status", ""), "ok");
    ck_assert_str_eq (qs_json_str (qs_json_get (checks, "intent", json_type_object), "status", ""),
                      "unavailable");
    ck_assert_ptr_nonnull (qs_json_get (checks, "knowledge", json_type_object));
    ck_assert_ptr_nonnull (qs_json_get (checks, "k8s", json_type_object));
    json_object_put (obj);
    qs_gw_resp_free (&r);

    //  one worker of every service: 200
    qs_proc_t *others[3] = { test_gateway_worker ("intent"), test_gateway_worker ("knowledge"),
                             test_gateway_worker ("k8s") };
    long status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
        qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health/ready" }, &r);
        status = r.status;
        qs_gw_resp_free (&r);
        if (status != 200)
            usleep (100000);
    }
    ck_assert_int_eq (status, 200);

    //  the store is what the services that own data report (the gateway
    //  opens none): a knowledge worker whose database is down makes it 503
    ck_assert_int_eq (qs_proc_stop (others[1], SIGTERM, 15000), 0);
    static const char *const down_store[] = {
        "QS_STORE_URL=mongodb://127.0.0.1:1/qs?serverSelectionTimeoutMS=100&connectTimeoutMS=100", NULL };
    static const char *const args[] = { "knowledge", NULL };
    others[1] = test_gateway_worker_env ("knowledge", args, down_store);
    obj = NULL;
    for (int i = 0; i < 100; i++) {
        qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health/ready" }, &r);
        json_object_put (obj);
        obj = json_tokener_parse (r.body);
        status = r.status;
        qs_gw_resp_free (&r);
        checks = qs_json_get (obj, "checks", json_type_object);
        if (qs_json_int (qs_json_get (checks, "knowledge", json_type_object), "workers", 0) > 0)
            break;
        usleep (100000);
    }
    ck_assert_int_eq (status, 503);
    json_object *store = qs_json_get (checks, "store", json_type_object);
    ck_assert_str_eq (qs_json_str (store, "status", ""), "unavailable");
    ck_assert_ptr_nonnull (strstr (qs_json_str (store, "detail", ""), "knowledge"));
    ck_assert_str_eq (qs_json_str (qs_json_get (checks, "knowledge", json_type_object), "status", ""),
                      "unavailable");
    ck_assert_str_eq (qs_json_str (qs_json_get (checks, "workflow", json_type_object), "status", ""), "ok");
    json_object_put (obj);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq (qs_proc_stop (others[i], SIGTERM, 15000), 0);
}
END_TEST

void
test_gateway_ops_add (TCase *tc)
{
    tcase_add_test (tc, test_sse_order);
    tcase_add_test (tc, test_sse_keepalive);
    tcase_add_test (tc, test_sse_cancel);
    tcase_add_test (tc, test_rate_limit);
    tcase_add_test (tc, test_metrics_promtool);
    tcase_add_test (tc, test_static);
    tcase_add_test (tc, test_ready);            /* last: it adds and removes workers */
}
