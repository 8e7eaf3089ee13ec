/*  test_mcp_sdk - the MCP server as the official TypeScript SDK client sees
    it: starts the whole suite (sandbox, broker, workers, a gateway with
    QS_MCP_WRITES=1) with qs_harness, a second gateway without writes
    and with QS_MCP_ALLOWED_ORIGINS on the same broker, then runs
    tests/mcp/mcp.test.mjs in node (Client over streamable HTTP and over
    stdio spawning `quickspin mcp`), which must exit 0. Skipped (77) when
    the SDK is not installed: tests/mcp/setup installs it (make deps). */
#include "../qs_test.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_harness.h"

#define S_ORIGIN "https://app.example.com"

static char s_dir[PATH_MAX];

//  node on PATH, into out
static bool
s_which (const char *name, char *out, size_t size)
{
    const char *path = getenv ("PATH");
    for (const char *p = path; p && *p;) {
        const char *end = strchr (p, ':');
        size_t len = end ? (size_t) (end - p) : strlen (p);
        snprintf (out, size, "%.*s/%s", (int) len, p, name);
        if (access (out, X_OK) == 0)
            return true;
        p = end ? end + 1 : p + len;
    }
    return false;
}

static void
s_dump (const char *path)
{
    FILE *f = fopen (path, "r");
    char line[1024];
    while (f && fgets (line, sizeof line, f))
        fputs (line, stderr);
    if (f)
        fclose (f);
}

START_TEST (test_sdk_client)
{
    static const char *const extra[] = { "QS_MCP_WRITES=1", NULL };
    qs_harness_spec_t spec = qs_harness_whole ();
    spec.env = extra;
    qs_harness_t *h = qs_harness_new (&spec);
    ck_assert_msg (h, "the suite did not become ready");

    //  a second gateway on the same bus: no writes, one more allowed origin
    char ro[64], env[4][1200];
    int port = qs_free_port ();
    snprintf (ro, sizeof ro, "http://127.0.0.1:%d", port);
    snprintf (env[0], sizeof env[0], "QS_HTTP_PORT=%d", port);
    snprintf (env[1], sizeof env[1], "QS_BROKER_ENDPOINT=%s", qs_harness_bus (h));
    snprintf (env[2], sizeof env[2], "QS_MCP_WRITES=0");
    snprintf (env[3], sizeof env[3], "QS_MCP_ALLOWED_ORIGINS=http://other.example, " S_ORIGIN);
    char *genv[] = { env[0], env[1], env[2], env[3], NULL };
    char *gpath = qs_build_path ("gateway/quickspin-gateway");
    qs_proc_t *gateway_ro = qs_proc_start ("mcp-gateway-ro", gpath, NULL, genv);
    free (gpath);
    char url[128];
    snprintf (url, sizeof url, "%s/api/v1/health/ready", ro);
    ck_assert_msg (gateway_ro && qs_wait_http (url, 30000), "the second gateway did not start");

    char *member = qs_harness_token ("user-acme-dev", "org-acme", "member");
    char *viewer = qs_harness_token ("user-acme-viewer", "org-acme", "viewer");
    char *globex = qs_harness_token ("user-globex-member", "org-globex", "member");
    char *cli = qs_build_path ("cli/quickspin");
    char nenv[8][4400];
    snprintf (nenv[0], sizeof nenv[0], "QS_MCP_GATEWAY=%s", qs_harness_gateway (h));
    snprintf (nenv[1], sizeof nenv[1], "QS_MCP_GATEWAY_RO=%s", ro);
    snprintf (nenv[2], sizeof nenv[2], "QS_MCP_CLI=%s", cli);
    snprintf (nenv[3], sizeof nenv[3], "QS_MCP_ORIGIN=%s", S_ORIGIN);
    snprintf (nenv[4], sizeof nenv[4], "QS_MCP_TOKEN_MEMBER=%s", member);
    snprintf (nenv[5], sizeof nenv[5], "QS_MCP_TOKEN_VIEWER=%s", viewer);
    snprintf (nenv[6], sizeof nenv[6], "QS_MCP_TOKEN_GLOBEX=%s", globex);
    char *envp[] = { nenv[0], nenv[1], nenv[2], nenv[3], nenv[4], nenv[5], nenv[6],
                     "NO_PROXY=127.0.0.1,localhost", NULL };
    char node[PATH_MAX], script[PATH_MAX + 32];
    ck_assert (s_which ("node", node, sizeof node));
    snprintf (script, sizeof script, "%s/mcp.test.mjs", s_dir);
    char *argv[] = { node, script, NULL };
    qs_proc_t *run = qs_proc_start ("mcp-sdk", node, argv, envp);
    ck_assert_ptr_nonnull (run);
    int status = qs_proc_wait (run, 170000);
    if (status != 0)
        s_dump (qs_proc_log (run));
    qs_proc_destroy (&run);
    qs_proc_destroy (&gateway_ro);
    qs_harness_destroy (&h);
    free (member);
    free (viewer);
    free (globex);
    free (cli);
    ck_assert_msg (status == 0, "the SDK client test failed (status %d): its output is above", status);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("mcp_sdk");
    TCase *tc = tcase_create ("suite");
    tcase_set_timeout (tc, 240);
    tcase_add_test (tc, test_sdk_client);
    suite_add_tcase (s, tc);
    return s;
}

int
main (void)
{
    const char *src = getenv ("QS_MCP_TEST_DIR");
    char sdk[PATH_MAX + 64];
    snprintf (s_dir, sizeof s_dir, "%s", src ? src : "tests/mcp");
    snprintf (sdk, sizeof sdk, "%s/node_modules/@modelcontextprotocol/sdk/package.json", s_dir);
    if (access (sdk, R_OK) != 0) {
        printf ("mcp_sdk: skipped: the SDK is not installed (tests/mcp/setup, run by make deps)\n");
        return 77;
    }
    static const char *const needs[] = { "gateway/quickspin-gateway", "cli/quickspin", NULL };
    return qs_harness_main (s_suite, needs);
}
