/*  End to end: the quickspin-k8s binary registered with a real broker,
    called over ZeroMQ with a user's identity, reading the sandbox. Skipped
    (77) when the sandbox, broker or k8s binaries are not built. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "qs_client.h"
#include "qs_http.h"
#include "qs_json.h"
#include "qs_sandbox_proc.h"
#include "qs_util.h"

static qs_sandbox_proc_t s_sb;
static pid_t s_broker, s_k8s;
static char s_endpoint[64];
static char s_token_path[128];

static int
s_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind (fd, (struct sockaddr *) &a, sizeof a);
    getsockname (fd, (struct sockaddr *) &a, &len);
    close (fd);
    return ntohs (a.sin_port);
}

static void
s_start (void)
{
    static char env_ep[96], env_pf[96], env_k8s[96], env_tok[160];
    ck_assert_int_eq (qs_sandbox_start (&s_sb), 0);
    snprintf (s_endpoint, sizeof s_endpoint, "tcp://127.0.0.1:%d", s_free_port ());
    snprintf (s_token_path, sizeof s_token_path, "/tmp/qs-k8s-e2e-token-%d", (int) getpid ());
    FILE *f = fopen (s_token_path, "w");
    fputs (QS_SANDBOX_TEST_K8S_TOKEN, f);
    fclose (f);
    snprintf (env_ep, sizeof env_ep, "QS_BROKER_ENDPOINT=%s", s_endpoint);
    snprintf (env_pf, sizeof env_pf, "QS_PLATFORM_URL=%s", s_sb.url);
    snprintf (env_k8s, sizeof env_k8s, "QS_K8S_API_URL=%s", s_sb.url);
    snprintf (env_tok, sizeof env_tok, "QS_K8S_TOKEN_FILE=%s", s_token_path);
    const char *broker_env[] = {env_ep, NULL};
    const char *k8s_env[] = {env_ep, env_pf, env_k8s, env_tok, NULL};
    s_broker = qs_sandbox_spawn (getenv ("QS_BROKER_BIN"), broker_env);
    s_k8s = qs_sandbox_spawn (getenv ("QS_K8S_BIN"), k8s_env);
    ck_assert_int_gt (s_broker, 0);
    ck_assert_int_gt (s_k8s, 0);
}

static void
s_stop (void)
{
    qs_sandbox_kill (&s_k8s);
    qs_sandbox_kill (&s_broker);
    qs_sandbox_stop (&s_sb);
    unlink (s_token_path);
}

static int
s_call (qs_client_t *c, const qs_auth_t *auth, const char *op, const char *body_text,
        json_object **reply, qs_err_t *err)
{
    const char *why;
    json_object *body = qs_json_parse (body_text, strlen (body_text), &why);
    qs_call_t call = {.service = "k8s", .op = op, .request_id = "e2e-req-1",
                      .deadline_ms = qs_now_ms () + 8000, .auth = auth, .body = body};
    int rc = qs_client_call (c, &call, reply, err, NULL, NULL);
    json_object_put (body);
    return rc;
}

START_TEST (test_pods_over_the_bus)
{
    qs_client_t *c = qs_client_new (s_endpoint);
    ck_assert_ptr_nonnull (c);
    int workers = 0;
    for (int i = 0; i < 100 && workers <= 0; i++) {
        workers = qs_client_discover (c, "k8s", 500);
        if (workers <= 0)
            usleep (100000);
    }
    ck_assert_int_ge (workers, 1);
    qs_auth_t auth = {0};
    snprintf (auth.sub, sizeof auth.sub, "alice");
    snprintf (auth.org_id, sizeof auth.org_id, "org-acme");
    auth.roles = QS_ROLE_MEMBER;
    ck_assert_int_eq (qs_sandbox_token (auth.token, sizeof auth.token, "alice", "org-acme", "member", "pro"), 0);
    json_object *r = NULL;
    qs_err_t err = {0};
    ck_assert_int_eq (s_call (c, &auth, "pods", "{\"service_id\":\"svc-acme-cache\"}", &r, &err), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "pods.0.containers.0.lastState.terminated"), "reason", ""),
                      "OOMKilled");
    json_object_put (r);
    /* a viewer may not restart: 403 comes back through the bus */
    auth.roles = QS_ROLE_VIEWER;
    ck_assert_int_eq (qs_sandbox_token (auth.token, sizeof auth.token, "vic", "org-acme", "viewer", "pro"), 0);
    ck_assert_int_eq (s_call (c, &auth, "restart", "{\"service_id\":\"svc-acme-cache\",\"pod\":\"x\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 403);
    qs_client_destroy (&c);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_k8s_e2e");
    TCase *tc = tcase_create ("bus");
    tcase_add_unchecked_fixture (tc, s_start, s_stop);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_pods_over_the_bus);
    suite_add_tcase (s, tc);
    return s;
}

int
main (void)
{
    const char *need[] = {"QS_BROKER_BIN", "QS_K8S_BIN", NULL};
    for (int i = 0; need[i]; i++) {
        const char *b = getenv (need[i]);
        if (!b || access (b, X_OK) != 0) {
            printf ("%s not built; skipping\n", need[i]);
            return 77;
        }
    }
    if (!qs_sandbox_bin ()) {
        printf ("quickspin-sandbox not built; skipping\n");
        return 77;
    }
    qs_http_global_init ();
    SRunner *sr = srunner_create (s_suite ());
    srunner_run_all (sr, CK_NORMAL);
    int failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    return failed ? 1 : 0;
}
