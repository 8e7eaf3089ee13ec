/*  qs_harness_http - tokens and HTTP calls against the suite (see qs_harness.h) */
#include "qs_harness.h"
#include "qs_cli_http.h"
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_json.h"
#include "qs_util.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

//  the CLI's dev-token minter, with the secret the suite is started with
static char *
s_mint (const char *secret, const char *sub, const char *org, const char *roles, const char *tier)
{
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .roles = roles, .tier = tier};
    qs_err_t err = {0};
    return qs_cli_token_mint (&opts, secret, &err);
}

char *
qs_harness_token (const char *sub, const char *org, const char *roles)
{
    return s_mint (QS_DEV_JWT_SECRET, sub, org, roles, "pro");
}

int
qs_harness_auth (qs_auth_t *auth, const char *secret, const char *sub, const char *org,
                 const char *role, const char *tier)
{
    memset (auth, 0, sizeof *auth);
    snprintf (auth->sub, sizeof auth->sub, "%s", sub);
    snprintf (auth->org_id, sizeof auth->org_id, "%s", org);
    auth->roles = qs_auth_role_bit (role);
    char *token = s_mint (secret, sub, org, role, tier);
    int rc = token && strlen (token) < sizeof auth->token ? 0 : -1;
    if (rc == 0)
        snprintf (auth->token, sizeof auth->token, "%s", token);
    free (token);
    return rc;
}

//  check's fixtures take no argument: the one suite of this test program
static qs_harness_spec_t s_fixture_spec;
static const qs_harness_user_t *s_fixture_users;
static qs_harness_t *s_fixture;

static void
s_fixture_start (void)
{
    s_fixture = qs_harness_new (&s_fixture_spec);
    ck_assert_msg (s_fixture != NULL, "the suite did not become ready");
    for (const qs_harness_user_t *u = s_fixture_users; u && u->token_p; u++)
        *u->token_p = qs_harness_token (u->sub, u->org, u->roles);
}

static void
s_fixture_stop (void)
{
    qs_harness_destroy (&s_fixture);
    for (const qs_harness_user_t *u = s_fixture_users; u && u->token_p; u++) {
        free (*u->token_p);
        *u->token_p = NULL;
    }
}

void
qs_harness_fixture (TCase *tc, const qs_harness_spec_t *spec, const qs_harness_user_t *users)
{
    s_fixture_spec = spec ? *spec : qs_harness_whole ();
    s_fixture_users = users;
    tcase_add_unchecked_fixture (tc, s_fixture_start, s_fixture_stop);
}

qs_harness_t *
qs_harness_fixture_get (void)
{
    return s_fixture;
}

long
qs_harness_http_timed (const char *method, const char *base, const char *path, const char *token,
                       const char *body, long timeout_ms, int64_t *ms_p, json_object **json_p)
{
    json_object *jbody = body ? json_tokener_parse (body) : NULL;
    qs_cli_resp_t resp;
    qs_err_t err = {0};
    long status = 0;
    if (json_p)
        *json_p = NULL;
    int64_t t0 = qs_mono_ms ();
    if (qs_cli_http (method, base, path, token, jbody, timeout_ms ? timeout_ms : 60000, &resp,
                     &err) == 0) {
        status = resp.status;
        if (json_p && resp.body)
            *json_p = qs_json_parse (resp.body, resp.len, NULL);
        qs_cli_resp_free (&resp);
    }
    if (ms_p)
        *ms_p = qs_mono_ms () - t0;
    json_object_put (jbody);
    return status;
}

long
qs_harness_http (const char *method, const char *base, const char *path, const char *token,
                 const char *body, json_object **json_p)
{
    return qs_harness_http_timed (method, base, path, token, body, 60000, NULL, json_p);
}

int
qs_harness_sandbox_reset (qs_harness_t *self)
{
    long status = qs_harness_http_timed ("POST", qs_harness_sandbox (self), "/__sandbox/reset",
                                         NULL, "{}", 2000, NULL, NULL);
    return status == 200 ? 0 : -1;
}

int
qs_harness_sandbox_fault (qs_harness_t *self, const char *rule_json)
{
    long status = qs_harness_http_timed ("POST", qs_harness_sandbox (self), "/__sandbox/faults",
                                         NULL, rule_json, 2000, NULL, NULL);
    return status == 201 || status == 200 ? 0 : -1;
}

int
qs_harness_main (Suite *(*suite_fn) (void), const char *const *needs)
{
    for (size_t i = 0; needs && needs[i]; i++) {
        char *path = qs_build_path (needs[i]);
        bool built = path && access (path, X_OK) == 0;
        free (path);
        if (!built) {
            printf ("%s not built; skipping\n", needs[i]);
            return 77;
        }
    }
    curl_global_init (CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create (suite_fn ());
    srunner_run_all (sr, CK_NORMAL);
    int failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    curl_global_cleanup ();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
