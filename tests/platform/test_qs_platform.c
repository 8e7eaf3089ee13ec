/*  qs_platform against a scripted HTTP fake: headers, retries, idempotency
    and the mapping of every failure to a clear, token-free error. */
#include "../qs_test.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "qs_http.h"
#include "qs_json.h"
#include "qs_platform.h"
#include "qs_fake_http.h"
#include "qs_util.h"

#define S_TOKEN "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlc2VjcmV0"
#define S_SVC "{\"id\":\"svc1\",\"name\":\"cache\",\"service_type\":\"redis\",\"tier\":\"small\"," \
              "\"status\":\"running\",\"namespace\":\"qs-org1\"}"

static qs_auth_t s_auth;
static qs_fake_http_t *s_fake;
static qs_platform_t *s_pf;

static void
s_setup (void)
{
    memset (&s_auth, 0, sizeof s_auth);
    snprintf (s_auth.sub, sizeof s_auth.sub, "u1");
    snprintf (s_auth.org_id, sizeof s_auth.org_id, "org1");
    snprintf (s_auth.token, sizeof s_auth.token, "%s", S_TOKEN);
    s_auth.roles = QS_ROLE_MEMBER;
    s_fake = qs_fake_http_start ();
    ck_assert_ptr_nonnull (s_fake);
    s_pf = qs_platform_new (qs_fake_http_url (s_fake));
    ck_assert_ptr_nonnull (s_pf);
}

static void
s_teardown (void)
{
    qs_platform_destroy (&s_pf);
    qs_fake_http_stop (&s_fake);
}

static qs_platform_ctx_t
s_ctx (int64_t ms)
{
    qs_platform_ctx_t ctx = {.auth = &s_auth, .deadline_ms = qs_now_ms () + ms, .request_id = "rid-1"};
    return ctx;
}

static json_object *
s_json (const char *text)
{
    const char *why;
    json_object *o = qs_json_parse (text, strlen (text), &why);
    ck_assert_ptr_nonnull (o);
    return o;
}

static void
s_no_secret (const qs_err_t *err)
{
    ck_assert_ptr_null (strstr (err->message, S_TOKEN));
    ck_assert_ptr_null (strstr (err->message, "c2lnbmF0dXJlc2VjcmV0"));
}

START_TEST (test_get_sends_token_and_parses)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc1", 200, S_SVC, 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (3000);
    json_object *svc = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc1", &svc, &err), 0);
    ck_assert_str_eq (qs_json_str (svc, "namespace", ""), "qs-org1");
    json_object_put (svc);
    const qs_fake_seen_t *seen = qs_fake_http_seen (s_fake, 0);
    ck_assert_ptr_nonnull (seen);
    ck_assert_str_eq (seen->authorization, "Bearer " S_TOKEN);
    /* a second call reuses the instance (and its connection) */
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc1", &svc, &err), 0);
    json_object_put (svc);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 2);
    /* an id that could escape the path is a 404 without a request */
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "../quotas", &svc, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 2);
}
END_TEST

START_TEST (test_list_drops_malformed_entries)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/services", 200,
                        "{\"services\":[" S_SVC ",{\"name\":\"no-id\"},7,null,{\"id\":\"svc2\"}]}", 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (3000);
    json_object *list = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &list, &err), 0);
    ck_assert_int_eq ((int) json_object_array_length (list), 2);
    json_object_put (list);
}
END_TEST

START_TEST (test_create_idempotent_retry)
{
    /* the first attempt fails with 503; the retry carries the same key */
    qs_fake_http_route (s_fake, "POST", "/api/v1/services", 503, "{}", 1, 0, 0);
    qs_fake_http_route (s_fake, "POST", "/api/v1/services", 201, S_SVC, 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (5000);
    json_object *cfg = s_json ("{\"service_type\":\"redis\",\"name\":\"cache\",\"tier\":\"small\"}");
    ck_assert_ptr_nonnull (cfg);
    json_object *svc = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_create_service (s_pf, &ctx, cfg, "act-123", &svc, &err), 0);
    ck_assert_str_eq (qs_json_str (svc, "id", ""), "svc1");
    ck_assert_int_eq (qs_fake_http_count (s_fake), 2);
    for (int i = 0; i < 2; i++) {
        const qs_fake_seen_t *s = qs_fake_http_seen (s_fake, i);
        ck_assert_str_eq (s->idempotency_key, "act-123");
        ck_assert_str_eq (s->method, "POST");
        ck_assert_ptr_nonnull (strstr (s->body, "\"service_type\":\"redis\""));
    }
    json_object_put (svc);
    /* no key, no request */
    ck_assert_int_eq (qs_platform_create_service (s_pf, &ctx, cfg, "", &svc, &err), -1);
    ck_assert_int_eq (qs_platform_create_service (s_pf, &ctx, cfg, "bad key", &svc, &err), -1);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 2);
    json_object_put (cfg);
}
END_TEST

START_TEST (test_unauthorized_not_retried)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/quotas", 401,
                        "{\"error\":{\"code\":\"unauthorized\",\"message\":\"token expired: Bearer " S_TOKEN "\"}}",
                        0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (3000);
    json_object *q = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_quotas (s_pf, &ctx, &q, &err), -1);
    ck_assert_ptr_null (q);
    ck_assert_int_eq (err.status, 401);
    ck_assert_str_eq (err.code, "unauthorized");
    ck_assert_ptr_nonnull (strstr (err.message, "Sign in again"));
    ck_assert_ptr_nonnull (strstr (err.message, "token expired"));
    s_no_secret (&err);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 1);
    /* no token at all: refused before any request */
    s_auth.token[0] = '\0';
    ck_assert_int_eq (qs_platform_quotas (s_pf, &ctx, &q, &err), -1);
    ck_assert_int_eq (err.status, 401);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 1);
}
END_TEST

START_TEST (test_client_errors_mapped)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/gone", 404, "", 0, 0, 0);
    qs_fake_http_route (s_fake, "PATCH", "/api/v1/services/svc1", 409,
                        "{\"error\":{\"code\":\"conflict\",\"message\":\"service is provisioning\"}}", 1, 0, 0);
    qs_fake_http_route (s_fake, "PATCH", "/api/v1/services/svc1", 422,
                        "{\"error\":{\"code\":\"invalid\",\"message\":\"tier xlarge exceeds your plan\"}}", 1, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/pricing", 403, "{\"message\":\"plan\"}", 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (3000);
    json_object *o = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "gone", &o, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_str_eq (err.code, "not_found");
    ck_assert_ptr_nonnull (strstr (err.message, "Service 'gone' was not found"));

    json_object *f = s_json ("{\"tier\":\"xlarge\",\"name\":\"ignored\"}");
    ck_assert_int_eq (qs_platform_patch_service (s_pf, &ctx, "svc1", f, &o, &err), -1);
    ck_assert_int_eq (err.status, 409);
    ck_assert_ptr_nonnull (strstr (err.message, "service is provisioning"));
    ck_assert_int_eq (qs_platform_patch_service (s_pf, &ctx, "svc1", f, &o, &err), -1);
    ck_assert_int_eq (err.status, 422);
    ck_assert_ptr_nonnull (strstr (err.message, "exceeds your plan"));
    /* only the allowed fields were sent */
    const qs_fake_seen_t *s = qs_fake_http_seen (s_fake, 1);
    ck_assert_str_eq (s->body, "{\"tier\":\"xlarge\"}");
    json_object_put (f);
    f = s_json ("{\"name\":\"x\"}");
    ck_assert_int_eq (qs_platform_patch_service (s_pf, &ctx, "svc1", f, &o, &err), -1);
    ck_assert_int_eq (err.status, 422);
    json_object_put (f);

    ck_assert_int_eq (qs_platform_pricing (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_str_eq (err.code, "forbidden");
    ck_assert_int_eq (qs_fake_http_count (s_fake), 4);
}
END_TEST

START_TEST (test_rate_limit_and_5xx)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/quotas", 429, "{}", 1, 0, 1);
    qs_fake_http_route (s_fake, "GET", "/api/v1/quotas", 200, "{\"plan\":\"pro\",\"max_services\":10}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc1/metrics", 502, "<html>", 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (5000);
    json_object *o = NULL;
    qs_err_t err = {0};
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_platform_quotas (s_pf, &ctx, &o, &err), 0);
    ck_assert_int_ge (qs_mono_ms () - t0, 900);      /* Retry-After honoured */
    ck_assert_str_eq (qs_json_str (o, "plan", ""), "pro");
    json_object_put (o);

    ck_assert_int_eq (qs_platform_service_metrics (s_pf, &ctx, "svc1", "7d", &o, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "platform_unavailable");
    ck_assert_ptr_nonnull (strstr (err.message, "HTTP 502"));
    /* 2 quota requests + 3 attempts on the metrics */
    ck_assert_int_eq (qs_fake_http_count (s_fake), 5);
    ck_assert_ptr_nonnull (strstr (qs_fake_http_seen (s_fake, 2)->uri, "window=7d"));

    /* a Retry-After longer than the deadline: give up at once with 429 */
    qs_fake_http_route (s_fake, "GET", "/api/v1/pricing", 429, "{}", 0, 0, 30);
    ctx = s_ctx (2000);
    ck_assert_int_eq (qs_platform_pricing (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 429);
    ck_assert_int_eq (err.retry_after, 30);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 6);
}
END_TEST

START_TEST (test_slow_past_deadline)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/services", 200, "{\"services\":[]}", 0, 1500, 0);
    qs_platform_ctx_t ctx = s_ctx (300);
    json_object *o = NULL;
    qs_err_t err = {0};
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &o, &err), -1);
    int64_t took = qs_mono_ms () - t0;
    ck_assert_int_lt (took, 1200);
    ck_assert_int_eq (err.status, 504);
    ck_assert_str_eq (err.code, "platform_timeout");
    /* an already expired deadline makes no request */
    int before = qs_fake_http_count (s_fake);
    ctx.deadline_ms = qs_now_ms () - 1;
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 504);
    ck_assert_int_eq (qs_fake_http_count (s_fake), before);
}
END_TEST

START_TEST (test_malformed_and_incomplete)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc1/logs", 200, "{\"lines\":[{\"message\":", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc1", 200, "{\"name\":\"no id\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/pricing", 200, "{\"currency\":\"USD\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/services", 200, "[1,2]", 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (3000);
    json_object *o = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_service_logs (s_pf, &ctx, "svc1", 50, &o, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert_str_eq (err.code, "platform_bad_response");
    ck_assert_int_eq (qs_platform_get_service (s_pf, &ctx, "svc1", &o, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert_int_eq (qs_platform_pricing (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert_int_eq (qs_platform_list_services (s_pf, &ctx, &o, &err), -1);
    ck_assert_int_eq (err.status, 502);
    /* malformed answers are not retried */
    ck_assert_int_eq (qs_fake_http_count (s_fake), 4);
}
END_TEST

START_TEST (test_logs_and_delete)
{
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc1/logs?tail=1000", 200,
                        "{\"lines\":[{\"timestamp\":\"t\",\"level\":\"info\",\"message\":\"m\"},\"junk\"]}", 0, 0, 0);
    qs_fake_http_route (s_fake, "DELETE", "/api/v1/services/svc1", 503, "", 1, 0, 0);
    qs_fake_http_route (s_fake, "DELETE", "/api/v1/services/svc1", 404, "", 0, 0, 0);
    qs_platform_ctx_t ctx = s_ctx (5000);
    json_object *o = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_platform_service_logs (s_pf, &ctx, "svc1", 5000, &o, &err), 0);
    ck_assert_int_eq ((int) json_object_array_length (o), 1);
    json_object_put (o);
    /* a retried DELETE that finds nothing means the first one went through */
    ck_assert_int_eq (qs_platform_delete_service (s_pf, &ctx, "svc1", &err), 0);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 3);
    /* but a first-attempt 404 is a 404 */
    ck_assert_int_eq (qs_platform_delete_service (s_pf, &ctx, "svc1", &err), -1);
    ck_assert_int_eq (err.status, 404);
}
END_TEST

START_TEST (test_connection_refused)
{
    /* a port nobody listens on: bind, learn it, close */
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_eq (bind (fd, (struct sockaddr *) &a, sizeof a), 0);
    ck_assert_int_eq (getsockname (fd, (struct sockaddr *) &a, &len), 0);
    close (fd);
    char url[64];
    snprintf (url, sizeof url, "http://127.0.0.1:%d/", ntohs (a.sin_port));
    qs_platform_t *pf = qs_platform_new (url);
    ck_assert_ptr_nonnull (pf);
    const char *base = qs_platform_url (pf);
    ck_assert (base[strlen (base) - 1] != '/');
    qs_platform_ctx_t ctx = s_ctx (3000);
    json_object *o = NULL;
    qs_err_t err = {0};
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_platform_quotas (pf, &ctx, &o, &err), -1);
    ck_assert_int_lt (qs_mono_ms () - t0, 2500);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "platform_unreachable");
    qs_platform_destroy (&pf);
    ck_assert_ptr_null (qs_platform_new ("ftp://example"));
}
END_TEST

START_TEST (test_map_error_pure)
{
    qs_err_t err = {0};
    qs_platform_map_error (&err, 0, QS_HTTP_TIMEOUT, NULL, 0, NULL);
    ck_assert_int_eq (err.status, 504);
    qs_platform_map_error (&err, 0, QS_HTTP_CONNECT, NULL, 0, NULL);
    ck_assert_int_eq (err.status, 503);
    qs_platform_map_error (&err, 500, 0, "{\"error\":{\"message\":\"db password=hunter2 failed\"}}", 0, NULL);
    ck_assert_int_eq (err.status, 503);
    ck_assert_ptr_null (strstr (err.message, "hunter2"));
    qs_platform_map_error (&err, 422, 0, "{\"error\":{\"message\":\"uri redis://u:hunter2@h failed\"}}", 0, NULL);
    ck_assert_int_eq (err.status, 422);
    ck_assert_ptr_nonnull (strstr (err.message, "redis://u:"));
    ck_assert_ptr_null (strstr (err.message, "hunter2"));
    qs_platform_map_error (&err, 429, 0, NULL, 0, NULL);
    ck_assert_int_eq (err.status, 429);
    ck_assert_int_gt (err.retry_after, 0);
    qs_platform_map_error (&err, 404, 0, "not json", 0, "service 'x'");
    ck_assert_str_eq (err.code, "not_found");
    ck_assert_int_eq (err.message[0], 'S');
}
END_TEST

START_TEST (test_connection_reuse)
{
    qs_fake_http_route (s_fake, "GET", "/ok", 200, "{}", 0, 0, 0);
    char url[128];
    snprintf (url, sizeof url, "%s/ok", qs_fake_http_url (s_fake));
    qs_http_t *http = qs_http_new ();
    for (int i = 0; i < 3; i++) {
        qs_http_resp_t resp;
        qs_http_req_t req = {.method = "GET", .url = url, .timeout_ms = 2000};
        ck_assert_int_eq (qs_http_perform (http, &req, &resp), 0);
        ck_assert_int_eq (resp.status, 200);
        qs_http_resp_clear (&resp);
    }
    ck_assert_int_eq (qs_fake_http_count (s_fake), 3);
    ck_assert_int_eq (qs_http_connections (http), 1);
    qs_http_destroy (&http);
    char out[16];
    ck_assert_int_eq (qs_http_escape (out, sizeof out, "a=b/c d"), 0);
    ck_assert_str_eq (out, "a%3Db%2Fc%20d");
    ck_assert_int_eq (qs_http_escape (out, 4, "abcdef"), -1);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_platform");
    TCase *tc = tcase_create ("fake");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_get_sends_token_and_parses);
    tcase_add_test (tc, test_list_drops_malformed_entries);
    tcase_add_test (tc, test_create_idempotent_retry);
    tcase_add_test (tc, test_unauthorized_not_retried);
    tcase_add_test (tc, test_client_errors_mapped);
    tcase_add_test (tc, test_rate_limit_and_5xx);
    tcase_add_test (tc, test_slow_past_deadline);
    tcase_add_test (tc, test_malformed_and_incomplete);
    tcase_add_test (tc, test_logs_and_delete);
    tcase_add_test (tc, test_connection_refused);
    tcase_add_test (tc, test_map_error_pure);
    tcase_add_test (tc, test_connection_reuse);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
