/*  qs_sandbox_proc - see qs_sandbox_proc.h */
#include "qs_sandbox_proc.h"
#include "qs_harness.h"
#include "qs_cli_token.h"
#include "qs_http.h"
#include "qs_util.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *
qs_sandbox_bin (void)
{
    const char *bin = getenv ("QS_SANDBOX_BIN");
    return bin && *bin && access (bin, X_OK) == 0 ? bin : NULL;
}

static int
s_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0)
        return -1;
    if (bind (fd, (struct sockaddr *) &a, sizeof a) != 0
        || getsockname (fd, (struct sockaddr *) &a, &len) != 0) {
        close (fd);
        return -1;
    }
    close (fd);
    return ntohs (a.sin_port);
}

static long
s_call (const char *url, const char *method, const char *body)
{
    qs_http_t *http = qs_http_new ();
    qs_http_resp_t resp;
    qs_http_req_t req = {.method = method, .url = url, .body = body,
                         .body_len = body ? strlen (body) : 0, .timeout_ms = 2000};
    long status = -1;
    if (http && qs_http_perform (http, &req, &resp) == 0)
        status = resp.status;
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
    return status;
}

int
qs_sandbox_start (qs_sandbox_proc_t *sb)
{
    const char *bin = qs_sandbox_bin ();
    int port = s_free_port ();
    memset (sb, 0, sizeof *sb);
    if (!bin || port <= 0)
        return -1;
    snprintf (sb->url, sizeof sb->url, "http://127.0.0.1:%d", port);
    pid_t pid = fork ();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char addr[32];
        snprintf (addr, sizeof addr, "127.0.0.1:%d", port);
        setenv ("QS_SANDBOX_ADDR", addr, 1);
        setenv ("QS_JWT_SECRET", QS_SANDBOX_TEST_SECRET, 1);
        setenv ("QS_SANDBOX_K8S_TOKEN", QS_SANDBOX_TEST_K8S_TOKEN, 1);
        setenv ("QS_SANDBOX_PROVISION_DELAY_MS", "300", 1);
        setenv ("QS_LOG_LEVEL", "warn", 1);
        execl (bin, bin, (char *) NULL);
        _exit (127);
    }
    sb->pid = pid;
    char health[128];
    snprintf (health, sizeof health, "%s/__sandbox/health", sb->url);
    for (int i = 0; i < 100; i++) {
        if (s_call (health, "GET", NULL) == 200)
            return 0;
        int st;
        if (waitpid (pid, &st, WNOHANG) == pid) {
            sb->pid = 0;
            return -1;
        }
        usleep (100000);
    }
    qs_sandbox_stop (sb);
    return -1;
}

void
qs_sandbox_kill (pid_t *pid)
{
    if (!pid || *pid <= 0)
        return;
    qs_harness_stop_pid (*pid, SIGTERM, 5000);
    *pid = 0;
}

void
qs_sandbox_stop (qs_sandbox_proc_t *sb)
{
    if (sb)
        qs_sandbox_kill (&sb->pid);
}

pid_t
qs_sandbox_spawn (const char *bin, const char *const *env_kv)
{
    pid_t pid = fork ();
    if (pid != 0)
        return pid;
    for (int i = 0; env_kv && env_kv[i]; i++)
        putenv ((char *) env_kv[i]);
    execl (bin, bin, (char *) NULL);
    _exit (127);
}

int
qs_sandbox_reset (const qs_sandbox_proc_t *sb)
{
    char url[128];
    snprintf (url, sizeof url, "%s/__sandbox/reset", sb->url);
    return s_call (url, "POST", "{}") == 200 ? 0 : -1;
}

int
qs_sandbox_fault (const qs_sandbox_proc_t *sb, const char *rule_json)
{
    char url[128];
    snprintf (url, sizeof url, "%s/__sandbox/faults", sb->url);
    long st = s_call (url, "POST", rule_json);
    return st == 201 || st == 200 ? 0 : -1;
}

int
qs_sandbox_token (char *out, size_t size, const char *sub, const char *org, const char *role,
                  const char *tier)
{
    /* the CLI's dev-token minter, with the secret the sandbox is started with */
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .roles = role, .tier = tier};
    qs_err_t err = {0};
    char *token = qs_cli_token_mint (&opts, QS_SANDBOX_TEST_SECRET, &err);
    int rc = token && strlen (token) < size ? 0 : -1;
    if (rc == 0)
        snprintf (out, size, "%s", token);
    free (token);
    return rc;
}
