/*  qs_http: request and response headers, a streamed 2xx body, the body cap,
    timeouts with ticks, transport failures and their qs_err_t mapping,
    against the scripted loopback fake of tests/platform; libcurl loaded on
    the first call only, and a missing libcurl failing like a transport. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "qs_fake_http.h"
#include "qs_curl.h"
#include "qs_http.h"

static qs_fake_http_t *s_fake;

static void
s_setup (void)
{
    s_fake = qs_fake_http_start ();
    ck_assert_ptr_nonnull (s_fake);
}

static void
s_teardown (void)
{
    qs_fake_http_stop (&s_fake);
}

static const char *
s_url (const char *path)
{
    static char url[160];
    snprintf (url, sizeof url, "%s%s", qs_fake_http_url (s_fake), path);
    return url;
}

START_TEST (test_headers_both_ways)
{
    qs_fake_http_route (s_fake, "POST", "/h", 429, "{\"slow\":1}", 0, 0, 7);
    const char *extra[] = {"Idempotency-Key: k-1", NULL};
    qs_http_req_t req = {
        .method = "POST", .url = s_url ("/h"), .bearer = "tok", .headers = extra,
        .body = "{}", .body_len = 2, .timeout_ms = 2000,
    };
    qs_http_t *http = qs_http_new ();
    qs_http_resp_t resp;
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 429);
    ck_assert_int_eq (resp.fail, QS_HTTP_OK);
    ck_assert_str_eq (resp.body, "{\"slow\":1}");
    ck_assert_uint_eq (resp.len, 10);
    ck_assert_int_eq (resp.retry_after, 7);
    ck_assert_str_eq (qs_http_resp_header (&resp, "retry-after"), "7");
    ck_assert_str_eq (qs_http_resp_header (&resp, "CONTENT-TYPE"), "application/json");
    ck_assert_ptr_null (qs_http_resp_header (&resp, "x-absent"));
    size_t pos = 0;
    const char *name, *value;
    int n = 0, saw_length = 0;
    while (qs_http_resp_header_next (&resp, &pos, &name, &value)) {
        n++;
        if (!strcasecmp (name, "content-length"))
            saw_length = !strcmp (value, "10");
    }
    ck_assert_int_ge (n, 3);
    ck_assert (saw_length);
    const qs_fake_seen_t *seen = qs_fake_http_seen (s_fake, 0);
    ck_assert_str_eq (seen->authorization, "Bearer tok");
    ck_assert_str_eq (seen->idempotency_key, "k-1");
    ck_assert_str_eq (seen->content_type, "application/json");
    ck_assert_str_eq (seen->body, "{}");
    qs_http_resp_clear (&resp);
    ck_assert_ptr_null (resp.body);
    ck_assert_ptr_null (resp.headers);
    qs_http_destroy (&http);
    ck_assert_ptr_null (http);
    qs_http_destroy (NULL);
}
END_TEST

/*  resolve pins the connection: a name no DNS knows reaches the fake on the
    address given, and only for that call (the next one fails to resolve). */
START_TEST (test_resolve_pins_the_address)
{
    qs_fake_http_route (s_fake, "POST", "/pinned", 200, "{}", 0, 0, 0);
    const char *base = qs_fake_http_url (s_fake);           /* http://127.0.0.1:<port> */
    const char *port = strrchr (base, ':') + 1;
    char url[160], pin[160];
    snprintf (url, sizeof url, "http://hooks.pinned.invalid:%s/pinned", port);
    snprintf (pin, sizeof pin, "hooks.pinned.invalid:%s:127.0.0.1", port);
    qs_http_req_t req = {.method = "POST", .url = url, .body = "{}", .body_len = 2, .timeout_ms = 2000,
                         .resolve = pin};
    qs_http_t *http = qs_http_new ();
    qs_http_resp_t resp;
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 200);
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
    http = qs_http_new ();                  /* a fresh instance: no pin, no such host */
    req.resolve = NULL;
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
    ck_assert_int_eq (resp.fail, QS_HTTP_CONNECT);
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
}
END_TEST

typedef struct {
    char got[256];
    int calls;
    int stop;
} s_sink_t;

static int
s_on_data (const char *data, size_t len, void *arg)
{
    s_sink_t *s = arg;
    size_t have = strlen (s->got);
    snprintf (s->got + have, sizeof s->got - have, "%.*s", (int) len, data);
    s->calls++;
    return s->stop;
}

START_TEST (test_stream_callback)
{
    qs_fake_http_route (s_fake, "GET", "/s", 200, "data: a\n\n", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/missing", 404, "{\"error\":1}", 0, 0, 0);
    qs_http_t *http = qs_http_new ();
    s_sink_t sink = {.got = ""};
    qs_http_req_t req = {.method = "GET", .url = s_url ("/s"), .accept = "text/event-stream",
                         .timeout_ms = 2000, .on_data = s_on_data, .arg = &sink};
    qs_http_resp_t resp;
    /* a 2xx body goes to the callback, not into resp */
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 200);
    ck_assert_str_eq (sink.got, "data: a\n\n");
    ck_assert_uint_eq (resp.len, 0);
    ck_assert (!resp.stopped);
    qs_http_resp_clear (&resp);
    /* the callback stops it: still a response */
    sink = (s_sink_t) {.got = "", .stop = 1};
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 200);
    ck_assert (resp.stopped);
    ck_assert_int_eq (sink.calls, 1);
    qs_http_resp_clear (&resp);
    /* any other status keeps its body for the error message */
    sink = (s_sink_t) {.got = ""};
    req.url = s_url ("/missing");
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 404);
    ck_assert_str_eq (resp.body, "{\"error\":1}");
    ck_assert_int_eq (sink.calls, 0);
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
}
END_TEST

static void
s_on_tick (void *arg)
{
    (*(int *) arg)++;
}

START_TEST (test_limits_and_failures)
{
    qs_fake_http_route (s_fake, "GET", "/big", 200, "0123456789abcdef", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/slow", 200, "{}", 0, 400, 0);
    qs_http_t *http = qs_http_new ();
    qs_http_resp_t resp;
    qs_err_t err;
    /* the body cap */
    qs_http_req_t req = {.method = "GET", .url = s_url ("/big"), .timeout_ms = 2000,
                         .max_body = 8};
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
    ck_assert_int_eq (resp.fail, QS_HTTP_TOO_LARGE);
    ck_assert_int_eq (resp.status, 0);
    ck_assert_int_eq (resp.broken_status, 200);
    ck_assert_ptr_null (resp.body);
    ck_assert_int_eq (qs_http_fail_err (&resp, "the fake", &err), -1);
    ck_assert_int_eq (err.status, 502);
    qs_http_resp_clear (&resp);
    /* a timeout, with ticks while waiting */
    int ticks = 0;
    req = (qs_http_req_t) {.method = "GET", .url = s_url ("/slow"), .timeout_ms = 150,
                           .on_tick = s_on_tick, .arg = &ticks};
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
    ck_assert_int_eq (resp.fail, QS_HTTP_TIMEOUT);
    ck_assert_int_ge (ticks, 1);
    qs_http_fail_err (&resp, "the fake", &err);
    ck_assert_int_eq (err.status, 504);
    ck_assert_str_eq (err.code, "deadline_exceeded");
    ck_assert_ptr_nonnull (strstr (err.message, "the fake did not answer in time"));
    qs_http_resp_clear (&resp);
    /* ticking does not change a normal answer */
    req.timeout_ms = 3000;
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 200);
    ck_assert_str_eq (resp.body, "{}");
    qs_http_resp_clear (&resp);
    /* no time left: no request */
    req.timeout_ms = 0;
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
    ck_assert_int_eq (resp.fail, QS_HTTP_TIMEOUT);
    qs_http_resp_clear (&resp);
    /* nobody listening */
    char closed[64];
    snprintf (closed, sizeof closed, "%s", qs_fake_http_url (s_fake));
    qs_fake_http_stop (&s_fake);
    req = (qs_http_req_t) {.method = "GET", .url = closed, .timeout_ms = 2000};
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
    ck_assert_int_eq (resp.fail, QS_HTTP_CONNECT);
    ck_assert_int_eq (resp.broken_status, 0);
    ck_assert (resp.detail[0]);
    qs_http_fail_err (&resp, "the fake", &err);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "service_unavailable");
    qs_http_resp_clear (&resp);
    /* only http and https */
    req.url = "ftp://127.0.0.1/x";
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
    ck_assert_int_eq (resp.fail, QS_HTTP_OTHER);
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
}
END_TEST

/*  (forked: a fresh process) libcurl is mapped by the first call, not by
    qs_http_new, and stays for the next instances. */
START_TEST (test_libcurl_on_first_call)
{
    qs_fake_http_route (s_fake, "GET", "/l", 200, "{}", 0, 0, 0);
    qs_http_req_t req = { .method = "GET", .url = s_url ("/l"), .timeout_ms = 2000 };
    qs_http_t *http = qs_http_new ();
    ck_assert_ptr_nonnull (http);
    ck_assert (!qs_test_mapped ("libcurl"));
    qs_http_resp_t resp;
    ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
    ck_assert_int_eq (resp.status, 200);
    ck_assert (qs_test_mapped ("libcurl"));
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
    char why[160];
    ck_assert_int_eq (qs_http_load (why, sizeof why), 0);
}
END_TEST

/*  (forked) no libcurl: instances are still made, every call fails as a
    transport failure saying why, and maps to 503 service_unavailable. */
START_TEST (test_without_libcurl)
{
    qs_curl_use_library ("libcurl-not-installed.so.4");
    char why[160];
    ck_assert_int_eq (qs_http_load (why, sizeof why), -1);
    ck_assert_ptr_nonnull (strstr (why, "libcurl is not available"));
    qs_http_t *http = qs_http_new ();
    ck_assert_ptr_nonnull (http);
    qs_http_req_t req = { .method = "GET", .url = s_url ("/l"), .timeout_ms = 2000 };
    for (int i = 0; i < 2; i++) {
        qs_http_resp_t resp;
        ck_assert_int_eq (qs_http_perform (http, &req, &resp), -1);
        ck_assert_int_eq (resp.fail, QS_HTTP_OTHER);
        ck_assert_int_eq (resp.status, 0);
        ck_assert_ptr_nonnull (strstr (resp.detail, "libcurl-not-installed.so.4"));
        qs_err_t err;
        qs_err_clear (&err);
        ck_assert_int_eq (qs_http_fail_err (&resp, "the embeddings API", &err), -1);
        ck_assert_int_eq (err.status, 503);
        ck_assert_str_eq (err.code, "service_unavailable");
        qs_http_resp_clear (&resp);
    }
    ck_assert_int_eq (qs_fake_http_count (s_fake), 0);
    qs_http_destroy (&http);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_http");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_headers_both_ways);
    tcase_add_test (tc, test_resolve_pins_the_address);
    tcase_add_test (tc, test_stream_callback);
    tcase_add_test (tc, test_limits_and_failures);
    suite_add_tcase (s, tc);
    /*  loading is once per process: these need a process each */
    if (qs_test_forking ()) {
        TCase *load = tcase_create ("loading");
        tcase_add_checked_fixture (load, s_setup, s_teardown);
        tcase_add_test (load, test_libcurl_on_first_call);
        tcase_add_test (load, test_without_libcurl);
        suite_add_tcase (s, load);
    }
    return s;
}

QS_TEST_MAIN (s_suite)
