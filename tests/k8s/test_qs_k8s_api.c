/*  qs_k8s_api: configuration sources, token rotation and error mapping
    against a scripted fake. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_k8s_api.h"
#include "qs_fake_http.h"
#include "qs_util.h"

static char s_dir[256];

static void
s_write (const char *path, const char *text)
{
    char tmp[600];
    snprintf (tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen (tmp, "w");
    ck_assert_ptr_nonnull (f);
    fputs (text, f);
    fclose (f);
    /* rename swaps the inode, as a projected-token rotation does */
    ck_assert_int_eq (rename (tmp, path), 0);
}

static void
s_setup (void)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/qs-k8s-test-XXXXXX");
    ck_assert_ptr_nonnull (mkdtemp (s_dir));
    unsetenv ("QS_K8S_API_URL");
    unsetenv ("QS_K8S_TOKEN_FILE");
    unsetenv ("QS_K8S_CA_FILE");
    unsetenv ("KUBERNETES_SERVICE_HOST");
    unsetenv ("KUBERNETES_SERVICE_PORT");
}

static void
s_teardown (void)
{
    char path[400];
    snprintf (path, sizeof path, "%s/token", s_dir);
    unlink (path);
    snprintf (path, sizeof path, "%s/ca.crt", s_dir);
    unlink (path);
    rmdir (s_dir);
}

START_TEST (test_config_sources)
{
    qs_k8s_config_t cfg;
    qs_err_t err = {0};
    /* nothing set: the default (sandbox) */
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, "http://127.0.0.1:8090/", &err), 0);
    ck_assert_str_eq (cfg.source, "default");
    ck_assert_str_eq (cfg.url, "http://127.0.0.1:8090");
    ck_assert_str_eq (cfg.token_file, "");
    /* the bundled sandbox's well-known token, overridable like the sandbox's */
    ck_assert_str_eq (cfg.static_token, QS_K8S_SANDBOX_TOKEN);
    setenv ("QS_SANDBOX_K8S_TOKEN", "other", 1);
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, "http://127.0.0.1:8090", &err), 0);
    ck_assert_str_eq (cfg.static_token, "other");
    unsetenv ("QS_SANDBOX_K8S_TOKEN");
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, NULL, &err), -1);
    ck_assert_int_eq (err.status, 503);
    /* in-cluster */
    setenv ("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv ("KUBERNETES_SERVICE_PORT", "6443", 1);
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, "http://x", &err), 0);
    ck_assert_str_eq (cfg.source, "in-cluster");
    ck_assert_str_eq (cfg.url, "https://10.96.0.1:6443");
    ck_assert_ptr_nonnull (strstr (cfg.token_file, "/token"));
    ck_assert_ptr_nonnull (strstr (cfg.ca_file, "/ca.crt"));
    setenv ("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, NULL, &err), 0);
    ck_assert_str_eq (cfg.url, "https://[fd00::1]:6443");
    /* explicit variables win over in-cluster; http:// is fine (kubectl proxy) */
    setenv ("QS_K8S_API_URL", "http://127.0.0.1:8001", 1);
    setenv ("QS_K8S_TOKEN_FILE", "/run/tok", 1);
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, NULL, &err), 0);
    ck_assert_str_eq (cfg.source, "env");
    ck_assert_str_eq (cfg.url, "http://127.0.0.1:8001");
    ck_assert_str_eq (cfg.token_file, "/run/tok");
    ck_assert_str_eq (cfg.ca_file, "");
    ck_assert_str_eq (cfg.static_token, "");
    setenv ("QS_K8S_API_URL", "file:///etc/passwd", 1);
    ck_assert_int_eq (qs_k8s_config_resolve (&cfg, s_dir, NULL, &err), -1);
}
END_TEST

START_TEST (test_token_rotation)
{
    qs_fake_http_t *fake = qs_fake_http_start ();
    ck_assert_ptr_nonnull (fake);
    qs_fake_http_route (fake, "GET", "/api/v1/namespaces/ns/pods", 200, "{\"items\":[]}", 0, 0, 0);
    char token_path[400];
    snprintf (token_path, sizeof token_path, "%s/token", s_dir);
    s_write (token_path, "token-one\n");
    qs_k8s_config_t cfg = {0};
    snprintf (cfg.url, sizeof cfg.url, "%s", qs_fake_http_url (fake));
    snprintf (cfg.token_file, sizeof cfg.token_file, "%s", token_path);
    qs_k8s_api_t *api = qs_k8s_api_new (&cfg);
    json_object *o = NULL;
    qs_err_t err = {0};
    long status = 0;
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/api/v1/namespaces/ns/pods", qs_now_ms () + 3000,
                                           "r1", "pods", &status, &o, &err), 0);
    ck_assert_int_eq (status, 200);
    json_object_put (o);
    ck_assert_str_eq (qs_fake_http_seen (fake, 0)->authorization, "Bearer token-one");
    /* unchanged file: not read again */
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/api/v1/namespaces/ns/pods", qs_now_ms () + 3000,
                                           "r1", "pods", NULL, &o, &err), 0);
    json_object_put (o);
    ck_assert_int_eq (qs_k8s_api_token_reads (api), 1);
    /* rotated: the next request carries the new token */
    s_write (token_path, "token-two");
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/api/v1/namespaces/ns/pods", qs_now_ms () + 3000,
                                           "r1", "pods", NULL, &o, &err), 0);
    json_object_put (o);
    ck_assert_str_eq (qs_fake_http_seen (fake, 2)->authorization, "Bearer token-two");
    ck_assert_int_eq (qs_k8s_api_token_reads (api), 2);
    /* a long projected token (several KB) goes out whole */
    char big[6001];
    memset (big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    s_write (token_path, big);
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/api/v1/namespaces/ns/pods", qs_now_ms () + 3000,
                                           "r1", "pods", NULL, &o, &err), 0);
    json_object_put (o);
    ck_assert_int_eq (qs_k8s_api_token_reads (api), 3);
    ck_assert_int_eq (strncmp (qs_fake_http_seen (fake, 3)->authorization, "Bearer kkkk", 11), 0);
    qs_k8s_api_destroy (&api);
    ck_assert_ptr_null (api);
    qs_fake_http_stop (&fake);
}
END_TEST

START_TEST (test_errors)
{
    qs_fake_http_t *fake = qs_fake_http_start ();
    qs_fake_http_route (fake, "GET", "/forbidden", 403,
                        "{\"kind\":\"Status\",\"message\":\"pods is forbidden: User \\\"system:serviceaccount:qs:k8s\\\" cannot list\"}", 0, 0, 0);
    qs_fake_http_route (fake, "GET", "/missing", 404, "{\"kind\":\"Status\",\"reason\":\"NotFound\"}", 0, 0, 0);
    qs_fake_http_route (fake, "GET", "/flaky", 503, "", 1, 0, 0);
    qs_fake_http_route (fake, "GET", "/flaky", 200, "{\"ok\":true}", 0, 0, 0);
    qs_fake_http_route (fake, "GET", "/down", 500, "", 0, 0, 0);
    qs_fake_http_route (fake, "GET", "/slow", 200, "{}", 0, 1500, 0);
    qs_fake_http_route (fake, "GET", "/junk", 200, "not json", 0, 0, 0);
    qs_fake_http_route (fake, "GET", "/unauth", 401, "", 0, 0, 0);
    qs_k8s_config_t cfg = {0};
    snprintf (cfg.url, sizeof cfg.url, "%s", qs_fake_http_url (fake));
    qs_k8s_api_t *api = qs_k8s_api_new (&cfg);
    json_object *o = NULL;
    qs_err_t err = {0};
    long status = 0;
    int64_t dl = qs_now_ms () + 5000;
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/forbidden", dl, NULL, "the pods", &status, &o, &err), -1);
    ck_assert_int_eq (status, 403);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "k8s_forbidden");
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/missing", dl, NULL, "pod 'x'", &status, &o, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_str_eq (err.message, "Pod 'x' was not found.");
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/flaky", dl, NULL, "x", &status, &o, &err), 0);
    ck_assert (qs_json_bool (o, "ok", false));
    json_object_put (o);
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/down", dl, NULL, "x", &status, &o, &err), -1);
    ck_assert_str_eq (err.code, "k8s_unavailable");
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/junk", dl, NULL, "x", &status, &o, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/unauth", dl, NULL, "x", &status, &o, &err), -1);
    ck_assert_str_eq (err.code, "k8s_unauthorized");
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (qs_k8s_api_get_json (api, "/slow", qs_now_ms () + 300, NULL, "x", &status, &o, &err), -1);
    ck_assert_int_lt (qs_mono_ms () - t0, 1200);
    ck_assert_int_eq (err.status, 504);
    ck_assert_str_eq (err.code, "k8s_timeout");
    qs_k8s_api_destroy (&api);
    qs_fake_http_stop (&fake);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_k8s_api");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_config_sources);
    tcase_add_test (tc, test_token_rotation);
    tcase_add_test (tc, test_errors);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
