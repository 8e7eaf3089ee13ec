/*  test_sec_logs - no secret in any log: the whole suite runs a realistic
    session (chat, provision + confirm, diagnose, recommendations, knowledge
    search, streamed chat, bad tokens) with its own JWT secret and k8s
    token, each process logging into a folder of this run only; then every
    log is searched for the raw tokens, their signatures, the JWT secrets,
    the k8s token and anything JWT-shaped ("eyJ"). */
#include "../qs_test.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_sec_http.h"
#include "qs_sec_leaky.h"

#define S_SECRET "sec-logs-jwt-secret-7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"
#define S_K8S_TOKEN "e2e-k8s-token"        /* what qs_harness gives the sandbox and k8s-svc */
#define S_LLM_KEY "gsk_sec_logs_llm_key_0123456789abcdef"

static qs_harness_t *s_h;
static char s_logdir[512];
static char *s_tokens[8];
static int s_ntokens;
static qs_sec_leaky_t *s_llm;

static char *
s_mint (const char *sub, const char *org, const char *roles, const char *secret)
{
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .roles = roles, .tier = "pro"};
    qs_err_t err = {0};
    char *t = qs_cli_token_mint (&opts, secret, &err);
    ck_assert_msg (t != NULL, "mint: %s", err.message);
    if (s_ntokens < 8)
        s_tokens[s_ntokens++] = t;
    return t;
}

static void
s_setup (void)
{
    const char *build = getenv ("QS_BUILD_DIR");
    snprintf (s_logdir, sizeof s_logdir, "%s/tests/out/security-logs-%d", build ? build : ".",
              (int) getpid ());
    char parent[512];
    snprintf (parent, sizeof parent, "%s/tests/out", build ? build : ".");
    mkdir (parent, 0755);
    ck_assert_int_eq (mkdir (s_logdir, 0755), 0);
    setenv ("QS_TEST_OUT_DIR", s_logdir, 1);
    setenv ("QS_JWT_SECRET", S_SECRET, 1);          /* every process of the suite */
    //  An LLM endpoint that turns the key down and quotes it back: the
    //  failure paths (retries, breaker, fallback to local) all run with a
    //  provider error body that holds the key
    s_llm = qs_sec_leaky_new ();
    ck_assert_ptr_nonnull (s_llm);
    char llm[80];
    snprintf (llm, sizeof llm, "http://127.0.0.1:%d/openai/v1", qs_sec_leaky_port (s_llm));
    setenv ("QS_LLM_BASE_URL", llm, 1);
    setenv ("QS_LLM_API_KEY", S_LLM_KEY, 1);
    //  minted here, in the parent, so every test sees the same tokens
    s_mint ("lena", "org-acme", "member", S_SECRET);
    s_mint ("max", "org-globex", "member,admin", S_SECRET);
    s_mint ("lena", "org-acme", "member", "not-the-secret-but-long-enough-000000");
    s_mint ("lena", "org-acme", "admin", QS_DEV_JWT_SECRET);
    qs_harness_spec_t whole = qs_harness_whole ();
    ck_assert_msg ((s_h = qs_harness_new (&whole)) != NULL, "the suite did not become ready");
}

static void
s_teardown (void)
{
    qs_harness_destroy (&s_h);
    qs_sec_leaky_destroy (&s_llm);
    for (int i = 0; i < s_ntokens; i++)
        free (s_tokens[i]);
}

static json_object *
s_chat (const char *token, const char *conv, const char *message, long want)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    if (conv)
        qs_json_add_str (req, "conversation_id", conv);
    long st = qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/chat", token,
                           json_object_to_json_string (req), &resp);
    json_object_put (req);
    ck_assert_msg (st == want, "chat '%s' -> %ld", message, st);
    return resp;
}

START_TEST (test_session)
{
    const char *member = s_tokens[0], *admin = s_tokens[1], *wrong = s_tokens[2];
    const char *devtok = s_tokens[3];

    json_object *r = s_chat (member, NULL, "create a redis cache called logs-cache for staging", 200);
    char id[80], path[200];
    snprintf (id, sizeof id, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    json_object_put (r);
    ck_assert (id[0]);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    json_object *resp = NULL;
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), path, member, "{}", &resp), 200);
    json_object_put (resp);
    r = s_chat (member, NULL, "why does acme-cache keep restarting?", 200);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "troubleshoot");
    json_object_put (r);
    r = s_chat (member, NULL, "what is the connection string of acme-main-db?", 200);
    json_object_put (r);
    r = s_chat (admin, NULL, "how can I reduce my monthly bill?", 200);
    json_object_put (r);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/recommendations", admin, NULL,
                                   &resp), 200);
    json_object_put (resp);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/knowledge/search?q=redis+memory",
                                   member, NULL, &resp), 200);
    json_object_put (resp);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/chat/stream", member,
                                   "{\"message\":\"how do I back up postgres?\"}", NULL), 200);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/chat/conversations", member,
                                   NULL, &resp), 200);
    json_object_put (resp);
    //  the bad ones: a foreign signature, the dev secret's token, junk
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/recommendations", wrong, NULL,
                                   &resp), 401);
    json_object_put (resp);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/recommendations", devtok, NULL,
                                   &resp), 401);
    json_object_put (resp);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/chat/conversations",
                                   "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", NULL, &resp), 401);
    json_object_put (resp);
    //  and the platform was called with the user's token (it must not log it either)
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_sandbox (s_h), "/api/v1/services", member, NULL, &resp), 200);
    json_object_put (resp);
}
END_TEST

//  What must never be in a log line
static int
s_needles (const char **out, int max)
{
    int n = 0;
    out[n++] = "eyJ";
    out[n++] = S_SECRET;
    out[n++] = QS_DEV_JWT_SECRET;
    out[n++] = S_K8S_TOKEN;
    out[n++] = S_LLM_KEY;
    for (int i = 0; i < s_ntokens && n + 2 <= max; i++) {
        out[n++] = s_tokens[i];
        out[n++] = strrchr (s_tokens[i], '.') + 1;     /* the signature alone */
    }
    return n;
}

START_TEST (test_no_secret_in_any_log)
{
    sleep (1);                   /* let the last lines land */
    DIR *d = opendir (s_logdir);
    ck_assert_ptr_nonnull (d);
    const char *needles[24];
    int nn = s_needles (needles, 24);
    int files = 0, nonempty = 0;
    bool saw_401 = false, saw_gateway = false;
    struct dirent *de;
    while ((de = readdir (d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1100];
        snprintf (path, sizeof path, "%s/%s", s_logdir, de->d_name);
        FILE *f = fopen (path, "r");
        ck_assert_ptr_nonnull (f);
        files++;
        if (!strcmp (de->d_name, "gateway.log"))
            saw_gateway = true;
        char line[16384];
        int lineno = 0;
        while (fgets (line, sizeof line, f)) {
            lineno++;
            nonempty = 1;
            if (strstr (line, "status=401") || strstr (line, "\"status\":401"))
                saw_401 = true;
            for (int k = 0; k < nn; k++)
                ck_assert_msg (!strstr (line, needles[k]), "%s:%d holds a secret (%.12s...): %.300s",
                               de->d_name, lineno, needles[k], line);
        }
        fclose (f);
    }
    closedir (d);
    ck_assert_msg (qs_sec_leaky_hits (s_llm) > 0, "the LLM endpoint was never called");
    //  nor in a metric
    const char *req = "GET /api/v1/metrics HTTP/1.1\r\nConnection: close\r\n\r\n";
    qs_sec_resp_t m;
    ck_assert_int_eq (qs_sec_request (atoi (strrchr (qs_harness_gateway (s_h), ':') + 1), req, strlen (req),
                                      10000, &m), 200);
    ck_assert_ptr_nonnull (strstr (m.body, "qs_http_requests_total"));
    for (int k = 0; k < nn; k++)
        ck_assert_msg (!strstr (m.body, needles[k]), "a metric holds a secret (%.12s...)",
                       needles[k]);
    qs_sec_resp_free (&m);
    ck_assert_int_ge (files, 7);             /* sandbox, broker, 4 workers, gateway */
    ck_assert (nonempty);
    ck_assert (saw_gateway);
    ck_assert_msg (saw_401, "the gateway did not log the refused tokens at all");
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sec_logs");
    TCase *tc = tcase_create ("suite");
    tcase_add_unchecked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_session);
    tcase_add_test (tc, test_no_secret_in_any_log);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
