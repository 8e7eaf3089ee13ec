/*  test_sec_limits - the per-org limiter next to the per-user one, and the
    gateway's limit settings (rate, slow clients, heads) from the environment. */
#include "../qs_test.h"
#include "qs_gwconfig.h"
#include "qs_ratelimit.h"
#include <stdio.h>
#include <stdlib.h>

START_TEST (test_org_caps_its_users_together)
{
    qs_ratelimit_t *user = qs_ratelimit_new (1, 2, 0);
    qs_ratelimit_t *org = qs_ratelimit_new (1, 3, 0);
    int retry = 0;
    bool by_org = true;
    ck_assert (qs_ratelimit_take_user_org (user, org, "acme", "alice", 0, &retry, &by_org));
    ck_assert (!by_org);
    ck_assert (qs_ratelimit_take_user_org (user, org, "acme", "alice", 0, &retry, &by_org));
    //  alice's own bucket is empty
    ck_assert (!qs_ratelimit_take_user_org (user, org, "acme", "alice", 0, &retry, &by_org));
    ck_assert (!by_org);
    ck_assert_int_eq (retry, 1);
    //  bob takes the org's last token; the org is then full for everyone in it
    ck_assert (qs_ratelimit_take_user_org (user, org, "acme", "bob", 0, &retry, &by_org));
    ck_assert (!qs_ratelimit_take_user_org (user, org, "acme", "carl", 0, &retry, &by_org));
    ck_assert (by_org);
    ck_assert_int_eq (retry, 1);
    //  another org is untouched
    ck_assert (qs_ratelimit_take_user_org (user, org, "globex", "alice", 0, &retry, &by_org));
    //  the refused request cost carl nothing: his two tokens are there once
    //  the org has refilled
    ck_assert (qs_ratelimit_take_user_org (user, org, "acme", "carl", 2000, &retry, &by_org));
    ck_assert (qs_ratelimit_take_user_org (user, org, "acme", "carl", 2000, &retry, &by_org));
    ck_assert (!qs_ratelimit_take_user_org (user, org, "acme", "carl", 2000, &retry, &by_org));
    ck_assert (!by_org);
    qs_ratelimit_destroy (&user);
    qs_ratelimit_destroy (&org);
}
END_TEST

START_TEST (test_user_keys_are_unambiguous)
{
    qs_ratelimit_t *user = qs_ratelimit_new (1, 1, 0);
    ck_assert (qs_ratelimit_take_user_org (user, NULL, "ab", "c", 0, NULL, NULL));
    //  org "a" + sub "bc" is a different user
    ck_assert (qs_ratelimit_take_user_org (user, NULL, "a", "bc", 0, NULL, NULL));
    ck_assert (!qs_ratelimit_take_user_org (user, NULL, "ab", "c", 0, NULL, NULL));
    ck_assert_int_eq (qs_ratelimit_size (user), 2);
    qs_ratelimit_destroy (&user);
}
END_TEST

START_TEST (test_off_and_null_limiters)
{
    qs_ratelimit_t *off = qs_ratelimit_new (0, 0, 0);
    for (int i = 0; i < 100; i++)
        ck_assert (qs_ratelimit_take_user_org (off, NULL, "o", "u", 0, NULL, NULL));
    ck_assert (qs_ratelimit_take_user_org (NULL, NULL, NULL, NULL, 0, NULL, NULL));
    qs_ratelimit_give (off, "x", 0);
    qs_ratelimit_give (NULL, "x", 0);
    qs_ratelimit_destroy (&off);
}
END_TEST

START_TEST (test_give_is_capped_at_burst)
{
    qs_ratelimit_t *rl = qs_ratelimit_new (1, 2, 0);
    ck_assert (qs_ratelimit_take (rl, "k", 0, NULL));
    qs_ratelimit_give (rl, "k", 0);
    qs_ratelimit_give (rl, "k", 0);
    qs_ratelimit_give (rl, "unknown", 0);
    ck_assert (qs_ratelimit_take (rl, "k", 0, NULL));
    ck_assert (qs_ratelimit_take (rl, "k", 0, NULL));
    ck_assert (!qs_ratelimit_take (rl, "k", 0, NULL));
    ck_assert_int_eq (qs_ratelimit_size (rl), 1);
    qs_ratelimit_destroy (&rl);
}
END_TEST

//  Many orgs at once: the org table stays within its bound too
START_TEST (test_org_table_bounded)
{
    qs_ratelimit_t *user = qs_ratelimit_new (100, 100, 8);
    qs_ratelimit_t *org = qs_ratelimit_new (100, 100, 4);
    char o[16];
    int allowed = 0;
    for (int i = 0; i < 50; i++) {
        snprintf (o, sizeof o, "org%d", i);
        allowed += qs_ratelimit_take_user_org (user, org, o, "u", 0, NULL, NULL);
    }
    ck_assert_int_eq (allowed, 4);
    ck_assert_int_le (qs_ratelimit_size (org), 4);
    ck_assert_int_le (qs_ratelimit_size (user), 8);
    qs_ratelimit_destroy (&user);
    qs_ratelimit_destroy (&org);
}
END_TEST

static void
s_clean_env (void)
{
    const char *vars[] = { "QS_HTTP_ADDR", "QS_JWT_SECRET", "QS_JWT_PUBLIC_KEY_FILE",
                           "QS_RATE_LIMIT_RPS", "QS_RATE_LIMIT_BURST", "QS_RATE_LIMIT_ORG_RPS",
                           "QS_RATE_LIMIT_ORG_BURST", "QS_HTTP_IO_TIMEOUT_MS",
                           "QS_HTTP_KEEPALIVE_MS", "QS_HTTP_MAX_HEADER_BYTES", "QS_HTTP_LINGER_MS" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv (vars[i]);
}

START_TEST (test_config_defaults)
{
    s_clean_env ();
    qs_gwconfig_t cfg;
    qs_err_t err;
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert (cfg.rate_rps == 0 && cfg.org_rate_rps == 0);
    ck_assert_int_eq (cfg.io_timeout_ms, 10000);
    ck_assert_int_eq (cfg.keepalive_ms, 5000);
    ck_assert_int_eq (cfg.max_header_bytes, 16384);
    ck_assert_int_eq (cfg.linger_ms, 0);
    qs_gwconfig_free (&cfg);
    //  the org limit follows the user limit: ten users' worth
    setenv ("QS_RATE_LIMIT_RPS", "5", 1);
    setenv ("QS_RATE_LIMIT_BURST", "20", 1);
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert (cfg.org_rate_rps == 50);
    ck_assert (cfg.org_rate_burst == 200);
    qs_gwconfig_free (&cfg);
}
END_TEST

START_TEST (test_config_values)
{
    s_clean_env ();
    setenv ("QS_RATE_LIMIT_RPS", "5", 1);
    setenv ("QS_RATE_LIMIT_ORG_RPS", "12", 1);
    setenv ("QS_HTTP_IO_TIMEOUT_MS", "2500", 1);
    setenv ("QS_HTTP_KEEPALIVE_MS", "0", 1);
    setenv ("QS_HTTP_MAX_HEADER_BYTES", "8192", 1);
    setenv ("QS_HTTP_LINGER_MS", "1000", 1);
    qs_gwconfig_t cfg;
    qs_err_t err;
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert (cfg.org_rate_rps == 12);
    ck_assert (cfg.org_rate_burst == 12);          /* its own rate when set alone */
    ck_assert_int_eq (cfg.io_timeout_ms, 2500);
    ck_assert_int_eq (cfg.keepalive_ms, 0);
    ck_assert_int_eq (cfg.max_header_bytes, 8192);
    ck_assert_int_eq (cfg.linger_ms, 1000);
    qs_gwconfig_free (&cfg);
    //  org limit on its own, user limit off
    s_clean_env ();
    setenv ("QS_RATE_LIMIT_ORG_RPS", "3", 1);
    setenv ("QS_RATE_LIMIT_ORG_BURST", "9", 1);
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    ck_assert (cfg.rate_rps == 0 && cfg.org_rate_rps == 3 && cfg.org_rate_burst == 9);
    qs_gwconfig_free (&cfg);
}
END_TEST

START_TEST (test_config_rejects_nonsense)
{
    const char *bad[][2] = {
        {"QS_RATE_LIMIT_ORG_RPS", "-1"}, {"QS_RATE_LIMIT_ORG_RPS", "lots"},
        {"QS_HTTP_IO_TIMEOUT_MS", "0"}, {"QS_HTTP_MAX_HEADER_BYTES", "100"},
        {"QS_HTTP_MAX_HEADER_BYTES", "99999999"}, {"QS_HTTP_LINGER_MS", "-5"},
        {"QS_HTTP_KEEPALIVE_MS", "soon"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_clean_env ();
        setenv (bad[i][0], bad[i][1], 1);
        qs_gwconfig_t cfg;
        qs_err_t err;
        ck_assert_msg (qs_gwconfig_load (&cfg, &err) == -1, "%s=%s accepted", bad[i][0], bad[i][1]);
        qs_gwconfig_free (&cfg);
    }
}
END_TEST

START_TEST (test_config_dev_secret_beyond_loopback)
{
    s_clean_env ();
    setenv ("QS_HTTP_ADDR", "0.0.0.0", 1);
    qs_gwconfig_t cfg;
    qs_err_t err;
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "dev JWT secret"));
    qs_gwconfig_free (&cfg);
    const char *beyond[] = { "::", "10.0.0.5", "192.168.1.1", "example.com", "127.1", "[::]" };
    for (size_t i = 0; i < sizeof beyond / sizeof beyond[0]; i++) {
        setenv ("QS_HTTP_ADDR", beyond[i], 1);
        ck_assert_msg (qs_gwconfig_load (&cfg, &err) == -1, "dev secret on %s", beyond[i]);
        qs_gwconfig_free (&cfg);
    }
    const char *loop[] = { "127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2" };
    for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++) {
        setenv ("QS_HTTP_ADDR", loop[i], 1);
        ck_assert_msg (qs_gwconfig_load (&cfg, &err) == 0, "%s refused", loop[i]);
        ck_assert (cfg.dev_secret);
        qs_gwconfig_free (&cfg);
    }
    setenv ("QS_HTTP_ADDR", "0.0.0.0", 1);
    setenv ("QS_JWT_SECRET", "a-real-secret-that-is-long-enough-for-hs256", 1);
    ck_assert_int_eq (qs_gwconfig_load (&cfg, &err), 0);
    qs_gwconfig_free (&cfg);
    s_clean_env ();
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sec_limits");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_org_caps_its_users_together);
    tcase_add_test (tc, test_user_keys_are_unambiguous);
    tcase_add_test (tc, test_off_and_null_limiters);
    tcase_add_test (tc, test_give_is_capped_at_burst);
    tcase_add_test (tc, test_org_table_bounded);
    tcase_add_test (tc, test_config_defaults);
    tcase_add_test (tc, test_config_values);
    tcase_add_test (tc, test_config_rejects_nonsense);
    tcase_add_test (tc, test_config_dev_secret_beyond_loopback);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
