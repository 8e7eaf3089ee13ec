/*  test_qs_gwconfig - the gateway's environment settings. */
#include "../qs_test.h"
#include "qs_gwconfig.h"
#include "qs_devsecret.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_clean_env (void)
{
    const char *vars[] = { "QS_HTTP_ADDR", "QS_HTTP_PORT", "QS_HTTP_THREADS", "QS_BROKER_ENDPOINT",
                           "QS_BROKER_EMBEDDED", "QS_JWT_SECRET", "QS_JWT_PUBLIC_KEY_FILE",
                           "QS_JWT_ISSUER", "QS_JWT_AUDIENCE", "QS_RATE_LIMIT_RPS",
                           "QS_RATE_LIMIT_BURST", "QS_MAX_BODY_BYTES", "QS_REQUEST_TIMEOUT_MS",
                           "QS_SSE_KEEPALIVE_MS", "QS_WEB_ROOT", "QS_STORE_URL",
                           "QS_BROKER_QUEUE_LIMIT", "QS_BROKER_HEARTBEAT_MS", "QS_BROKER_LIVENESS" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv (vars[i]);
}

START_TEST (test_defaults)
{
    s_clean_env ();
    qs_gwconfig_t cfg;
    qs_err_t err;
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert_str_eq (cfg.addr, "127.0.0.1");
    ck_assert_int_eq (cfg.port, 8080);
    ck_assert_int_gt (cfg.threads, 0);
    ck_assert (!cfg.broker_embedded);
    ck_assert (cfg.dev_secret);
    ck_assert_int_eq (cfg.jwt_alg, QS_JWT_HS256);
    ck_assert_str_eq (cfg.jwt_key, QS_DEV_JWT_SECRET);
    ck_assert (cfg.rate_rps == 0);
    ck_assert_int_eq (cfg.max_body, 1024 * 1024);
    ck_assert_int_eq (cfg.request_timeout_ms, 30000);
    ck_assert_str_eq (cfg.jwt_issuer, "");
    qs_gwconfig_free (&cfg);
    ck_assert_ptr_null (cfg.jwt_key);
}
END_TEST

START_TEST (test_values)
{
    s_clean_env ();
    setenv ("QS_HTTP_ADDR", "0.0.0.0", 1);
    setenv ("QS_HTTP_PORT", "9191", 1);
    setenv ("QS_HTTP_THREADS", "4", 1);
    setenv ("QS_BROKER_EMBEDDED", "1", 1);
    setenv ("QS_BROKER_ENDPOINT", "ipc:///tmp/qs-test", 1);
    setenv ("QS_JWT_SECRET", "a-production-secret-that-is-long-enough", 1);
    setenv ("QS_JWT_ISSUER", "iss", 1);
    setenv ("QS_JWT_AUDIENCE", "aud", 1);
    setenv ("QS_RATE_LIMIT_RPS", "2.5", 1);
    setenv ("QS_MAX_BODY_BYTES", "2048", 1);
    setenv ("QS_REQUEST_TIMEOUT_MS", "1500", 1);
    setenv ("QS_BROKER_QUEUE_LIMIT", "3", 1);
    qs_gwconfig_t cfg;
    qs_err_t err;
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert_str_eq (cfg.addr, "0.0.0.0");
    ck_assert_int_eq (cfg.port, 9191);
    ck_assert_int_eq (cfg.threads, 4);
    ck_assert (cfg.broker_embedded);
    ck_assert_str_eq (cfg.broker_endpoint, "ipc:///tmp/qs-test");
    ck_assert (!cfg.dev_secret);
    ck_assert_str_eq (cfg.jwt_key, "a-production-secret-that-is-long-enough");
    ck_assert_str_eq (cfg.jwt_issuer, "iss");
    ck_assert_str_eq (cfg.jwt_audience, "aud");
    ck_assert (cfg.rate_rps == 2.5);
    ck_assert (cfg.rate_burst == 2.5);              /* burst defaults to the rate */
    ck_assert_int_eq (cfg.max_body, 2048);
    ck_assert_int_eq (cfg.request_timeout_ms, 1500);
    ck_assert_int_eq (cfg.broker_queue_limit, 3);
    ck_assert_int_eq (cfg.broker_heartbeat_ms, 0);
    qs_gwconfig_free (&cfg);
}
END_TEST

START_TEST (test_dev_secret_refused_beyond_loopback)
{
    const char *addrs[] = { "0.0.0.0", "10.1.2.3", "::" };
    for (size_t i = 0; i < 3; i++) {
        s_clean_env ();
        setenv ("QS_HTTP_ADDR", addrs[i], 1);
        qs_gwconfig_t cfg;
        qs_err_t err;
        ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), -1);
        ck_assert_ptr_nonnull (strstr (err.message, "dev JWT secret"));
        //  the secret itself never appears in the message
        ck_assert_ptr_null (strstr (err.message, QS_DEV_JWT_SECRET));
        qs_gwconfig_free (&cfg);
    }
    const char *loop[] = { "127.0.0.1", "::1", "localhost" };
    for (size_t i = 0; i < 3; i++) {
        s_clean_env ();
        setenv ("QS_HTTP_ADDR", loop[i], 1);
        qs_gwconfig_t cfg;
        qs_err_t err;
        ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
        ck_assert (cfg.dev_secret);
        qs_gwconfig_free (&cfg);
    }
}
END_TEST

START_TEST (test_public_key_file)
{
    s_clean_env ();
    setenv ("QS_HTTP_ADDR", "0.0.0.0", 1);          /* fine: no dev secret involved */
    setenv ("QS_JWT_PUBLIC_KEY_FILE", QS_TEST_KEYS_DIR "/ec_public.pem", 1);
    qs_gwconfig_t cfg;
    qs_err_t err;
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert_int_eq (cfg.jwt_alg, QS_JWT_ES256);
    ck_assert (!cfg.dev_secret);
    qs_gwconfig_free (&cfg);

    setenv ("QS_JWT_PUBLIC_KEY_FILE", QS_TEST_KEYS_DIR "/rsa_public.pem", 1);
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert_int_eq (cfg.jwt_alg, QS_JWT_RS256);
    qs_gwconfig_free (&cfg);

    setenv ("QS_JWT_PUBLIC_KEY_FILE", QS_TEST_KEYS_DIR "/rsa1024_public.pem", 1);
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), -1);
    qs_gwconfig_free (&cfg);
    setenv ("QS_JWT_PUBLIC_KEY_FILE", QS_TEST_KEYS_DIR "/missing.pem", 1);
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), -1);
    qs_gwconfig_free (&cfg);
}
END_TEST

START_TEST (test_malformed)
{
    const char *cases[][2] = {
        { "QS_HTTP_PORT", "eighty" }, { "QS_HTTP_PORT", "70000" }, { "QS_HTTP_THREADS", "0" },
        { "QS_RATE_LIMIT_RPS", "-1" }, { "QS_MAX_BODY_BYTES", "1k" },
        { "QS_REQUEST_TIMEOUT_MS", "soon" }, { "QS_BROKER_QUEUE_LIMIT", "-4" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_clean_env ();
        setenv (cases[i][0], cases[i][1], 1);
        qs_gwconfig_t cfg;
        qs_err_t err;
        ck_assert_msg (qs_gwconfig_load (&cfg, &err) == -1, "%s=%s", cases[i][0], cases[i][1]);
        qs_gwconfig_free (&cfg);
    }
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_gwconfig");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_defaults);
    tcase_add_test (tc, test_values);
    tcase_add_test (tc, test_dev_secret_refused_beyond_loopback);
    tcase_add_test (tc, test_public_key_file);
    tcase_add_test (tc, test_malformed);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
