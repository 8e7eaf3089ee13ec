/*  The quickspin binary against the whole suite on loopback: one-shot chat,
    --json, the recommendations table, conversations list/show/delete,
    confirm, exit codes (401, unreachable, usage, 404, 409), the config file,
    recommend --apply, audit and the MCP bridge; the sessions at a terminal
    are in test_cli_tmux.c. */
#include "../qs_test.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include "qs_cli_cmds.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "cli_run.h"

extern char **environ;

qs_harness_t *cli_h;
char *cli_token, *cli_globex, *cli_bin;
char cli_home[64];
char cli_sock[64];          // the tmux server of this run

static void
s_setup (void)
{
    qs_harness_spec_t whole = qs_harness_whole ();
    ck_assert_msg ((cli_h = qs_harness_new (&whole)) != NULL, "the suite did not become ready");
    cli_token = qs_harness_token ("cli-user", "org-acme", "member");
    cli_globex = qs_harness_token ("cli-user", "org-globex", "member");
    cli_bin = qs_build_path ("cli/quickspin");
    //  a HOME without a config file, so the developer's own can't interfere
    snprintf (cli_home, sizeof cli_home, "/tmp/qs-cli-home-XXXXXX");
    ck_assert_ptr_nonnull (mkdtemp (cli_home));
    snprintf (cli_sock, sizeof cli_sock, "qs-cli-test-%d", (int) getpid ());
}

static void
s_teardown (void)
{
    char kill_tmux[128];
    snprintf (kill_tmux, sizeof kill_tmux, "tmux -L %s kill-server 2>/dev/null", cli_sock);
    if (system (kill_tmux) != 0) {
        //  nothing was running: the interactive test cleaned up itself
    }
    qs_harness_destroy (&cli_h);
    free (cli_token);
    free (cli_globex);
    free (cli_bin);
    char cmd[160];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", cli_home);
    if (strncmp (cli_home, "/tmp/qs-cli-home-", 17) == 0 && system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", cli_home);
}


void
cli_run_free (cli_run_t *r)
{
    free (r->out);
    free (r->err);
}

static void
s_drain (int fd, char **buf, size_t *len)
{
    char chunk[4096];
    ssize_t n = read (fd, chunk, sizeof chunk);
    if (n <= 0)
        return;
    *buf = realloc (*buf, *len + (size_t) n + 1);
    memcpy (*buf + *len, chunk, (size_t) n);
    *len += (size_t) n;
    (*buf)[*len] = '\0';
}

//  Run the CLI with args (NULL-terminated) under url/token (NULL = unset),
//  stdin from input (NULL = /dev/null), capturing stdout and stderr.
cli_run_t
cli_run_in (const char *url, const char *token, const char *const *args, const char *input)
{
    cli_run_t r = {.status = -1, .out = strdup (""), .err = strdup ("")};
    int out[2], err[2], in = open ("/dev/null", O_RDONLY);
    if (input) {
        char path[] = "/tmp/qs-cli-stdin-XXXXXX";
        close (in);
        in = mkstemp (path);
        ck_assert_int_ge (in, 0);
        unlink (path);
        ck_assert_int_eq (write (in, input, strlen (input)), (ssize_t) strlen (input));
        lseek (in, 0, SEEK_SET);
    }
    ck_assert_int_eq (pipe (out), 0);
    ck_assert_int_eq (pipe (err), 0);
    pid_t pid = fork ();
    ck_assert_int_ge (pid, 0);
    if (pid == 0) {
        dup2 (in, 0);
        dup2 (out[1], 1);
        dup2 (err[1], 2);
        close (out[0]);
        close (err[0]);
        unsetenv ("QUICKSPIN_URL");
        unsetenv ("QUICKSPIN_TOKEN");
        unsetenv ("QUICKSPIN_CONFIG");
        unsetenv ("XDG_CONFIG_HOME");
        setenv ("HOME", cli_home, 1);
        if (url)
            setenv ("QUICKSPIN_URL", url, 1);
        if (token)
            setenv ("QUICKSPIN_TOKEN", token, 1);
        char *argv[32] = {cli_bin};
        for (int i = 0; args[i] && i < 30; i++)
            argv[i + 1] = (char *) args[i];
        execv (cli_bin, argv);
        _exit (127);
    }
    close (in);
    close (out[1]);
    close (err[1]);
    size_t olen = 0, elen = 0;
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0 && poll (fds, 2, 120000) > 0) {
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            size_t before = i ? elen : olen;
            s_drain (fds[i].fd, i ? &r.err : &r.out, i ? &elen : &olen);
            if ((i ? elen : olen) == before) {
                close (fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int ws = 0;
    waitpid (pid, &ws, 0);
    r.status = WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
    return r;
}

static cli_run_t
s_cli_run (const char *url, const char *token, const char *const *args)
{
    return cli_run_in (url, token, args, NULL);
}


static json_object *
s_expect_json (const cli_run_t *r)
{
    json_object *j = qs_json_parse (r->out, strlen (r->out), NULL);
    ck_assert_msg (j != NULL, "--json printed something that is not JSON: %s", r->out);
    return j;
}

START_TEST (test_one_shot_chat_and_confirm)
{
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), cli_token,
                           S_ARGS ("chat", "create a redis cache called cli-cache for staging"));
    ck_assert_msg (r.status == 0, "exit %d, stderr: %s", r.status, r.err);
    ck_assert_ptr_nonnull (strstr (r.out, "cli-cache"));
    //  not a terminal: no escape sequences, no prompt, the commands instead
    ck_assert_ptr_null (strchr (r.out, '\033'));
    ck_assert_ptr_null (strstr (r.out, "[y/N]"));
    const char *cmd = strstr (r.out, "quickspin confirm ");
    ck_assert_msg (cmd != NULL, "no confirm command in: %s", r.out);
    char action[64] = "";
    sscanf (cmd + strlen ("quickspin confirm "), "%63s", action);
    ck_assert_int_gt (strlen (action), 0);
    cli_run_free (&r);

    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("confirm", action));
    ck_assert_msg (r.status == 0, "confirm exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull (strstr (r.out, "executed"));
    cli_run_free (&r);
    //  a second confirmation is a conflict: the server's error, status 1
    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("confirm", action));
    ck_assert_int_eq (r.status, 1);
    ck_assert_ptr_nonnull (strstr (r.err, "409"));
    cli_run_free (&r);
}
END_TEST

/*  A pending action of token's from a chat message through the API; its id into id. */
static void
s_propose (const char *token, const char *message, char id[64])
{
    char body[300];
    snprintf (body, sizeof body, "{\"message\":\"%s\"}", message);
    json_object *r = NULL;
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (cli_h), "/api/v1/chat", token, body, &r), 200);
    snprintf (id, 64, "%s", qs_json_str (qs_json_path (r, "actions.0"), "id", ""));
    ck_assert_msg (id[0], "no pending action: %s", json_object_to_json_string (r));
    json_object_put (r);
}

START_TEST (test_audit_and_verify)
{
    char *lee = qs_harness_token ("lee", "org-ledger", "member");
    char *ada = qs_harness_token ("ada", "org-ledger", "admin");
    char id[64];
    s_propose (lee, "create a redis cache called ledger-cache for staging", id);
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("confirm", id));
    ck_assert_msg (r.status == 0, "confirm exit %d: %s", r.status, r.err);
    cli_run_free (&r);
    s_propose (lee, "create a postgres database called ledger-db for staging", id);
    r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("cancel", id));
    ck_assert_msg (r.status == 0, "cancel exit %d: %s", r.status, r.err);
    cli_run_free (&r);

    //  the table, oldest first
    r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("audit"));
    ck_assert_msg (r.status == 0, "audit exit %d: %s", r.status, r.err);
    const char *p = strstr (r.out, "proposed"), *q = p ? strstr (p, "confirmed") : NULL;
    ck_assert_msg (q && strstr (q, "executed") && strstr (q, "cancelled"), "table: %s", r.out);
    cli_run_free (&r);
    //  --json is the API's page; --all follows next_cursor
    r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("--json", "audit", "--limit", "2"));
    json_object *j = s_expect_json (&r);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (j, "entries", json_type_array)), 2);
    ck_assert_ptr_nonnull (qs_json_str (j, "next_cursor", NULL));
    json_object_put (j);
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("--json", "audit", "--limit", "2", "--all"));
    j = s_expect_json (&r);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (j, "entries", json_type_array)), 5);
    ck_assert_ptr_null (qs_json_str (j, "next_cursor", NULL));
    json_object_put (j);
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("audit", "--limit", "0"));
    ck_assert_int_eq (r.status, 2);
    cli_run_free (&r);

    //  an intact chain: the admin checks the org's, a member their own
    r = s_cli_run (qs_harness_gateway (cli_h), ada, S_ARGS ("audit", "verify"));
    ck_assert_msg (r.status == 0 && strstr (r.out, "verified 5 entries of the organisation"),
                   "exit %d: %s %s", r.status, r.out, r.err);
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), lee, S_ARGS ("audit", "verify"));
    ck_assert_msg (r.status == 0 && strstr (r.out, "verified 5 entries of your own"),
                   "exit %d: %s %s", r.status, r.out, r.err);
    cli_run_free (&r);

    //  history rewritten behind the API: both views name the entry
    char path[300];
    snprintf (path, sizeof path, "%s/qs.db", qs_harness_dir (cli_h));
    sqlite3 *db = NULL;
    ck_assert_int_eq (sqlite3_open (path, &db), SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    ck_assert_int_eq (sqlite3_exec (db, "UPDATE audit SET summary = 'nothing happened'"
                                        " WHERE organization_id = 'org-ledger' AND seq = 3",
                                    NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq (sqlite3_changes (db), 1);
    sqlite3_close (db);
    const char *tokens[] = {ada, lee};
    for (int i = 0; i < 2; i++) {
        r = s_cli_run (qs_harness_gateway (cli_h), tokens[i], S_ARGS ("audit", "verify"));
        ck_assert_msg (r.status == 5 && strstr (r.err, "broken at entry 3"), "exit %d: %s %s",
                       r.status, r.out, r.err);
        cli_run_free (&r);
    }
    r = s_cli_run (qs_harness_gateway (cli_h), ada, S_ARGS ("--json", "audit", "verify"));
    ck_assert_int_eq (r.status, 5);
    j = s_expect_json (&r);
    ck_assert_int_eq (qs_json_int (j, "broken_seq", 0), 3);
    ck_assert_int_eq (qs_json_int (j, "checked", 0), 2);
    json_object_put (j);
    cli_run_free (&r);
    free (lee);
    free (ada);
}
END_TEST

START_TEST (test_json_output)
{
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("--json", "chat", "why is acme-cache failing?"));
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
    json_object *j = s_expect_json (&r);
    ck_assert_str_eq (qs_json_str (j, "intent", ""), "troubleshoot");
    ck_assert_ptr_nonnull (qs_json_get (j, "conversation_id", json_type_string));
    ck_assert_ptr_nonnull (qs_json_path (j, "metadata.diagnosis.findings"));
    json_object_put (j);
    cli_run_free (&r);

    r = s_cli_run (qs_harness_gateway (cli_h), NULL, S_ARGS ("health", "--json"));
    ck_assert_int_eq (r.status, 0);
    j = s_expect_json (&r);
    ck_assert_str_eq (qs_json_str (qs_json_get (j, "health", json_type_object), "status", ""), "ok");
    json_object_put (j);
    cli_run_free (&r);

    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("--json", "recommend"));
    ck_assert_int_eq (r.status, 0);
    j = s_expect_json (&r);
    ck_assert_ptr_nonnull (qs_json_get (j, "recommendations", json_type_array));
    ck_assert (qs_json_double (j, "total_potential_savings", 0) > 0);
    json_object_put (j);
    cli_run_free (&r);
}
END_TEST

START_TEST (test_recommend_table)
{
    json_object *api = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (cli_h), "/api/v1/recommendations", cli_globex, NULL, &api), 200);
    json_object *recs = qs_json_get (api, "recommendations", json_type_array);
    ck_assert_int_gt (json_object_array_length (recs), 0);
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend"));
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull (strstr (r.out, "SAVINGS/MO"));
    //  one row per recommendation with its service and savings, then the total
    for (size_t i = 0; i < json_object_array_length (recs); i++) {
        json_object *rec = json_object_array_get_idx (recs, i);
        char line_start[128], savings[32];
        snprintf (line_start, sizeof line_start, "\n%s ", qs_json_str (rec, "service_name", "?"));
        ck_assert_msg (strstr (r.out, line_start) != NULL, "no row for %s", line_start + 1);
        qs_cli_money (qs_json_double (rec, "monthly_savings", 0), savings, sizeof savings);
        ck_assert_msg (strstr (r.out, savings) != NULL, "savings %s missing", savings);
    }
    char total[32], total_line[512];
    qs_cli_money (qs_json_double (api, "total_potential_savings", 0), total, sizeof total);
    const char *t = strstr (r.out, "\nTOTAL ");
    ck_assert_msg (t != NULL, "no TOTAL row: %s", r.out);
    snprintf (total_line, sizeof total_line, "%s", t + 1);
    total_line[strcspn (total_line, "\n")] = '\0';
    ck_assert_msg (strstr (total_line, total) != NULL, "total %s not in %s", total, total_line);
    json_object_put (api);
    cli_run_free (&r);
}
END_TEST

START_TEST (test_conversations_list_show_delete)
{
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("--json", "chat", "how do I connect to acme-db?"));
    ck_assert_int_eq (r.status, 0);
    json_object *j = s_expect_json (&r);
    char id[128];
    snprintf (id, sizeof id, "%s", qs_json_str (j, "conversation_id", ""));
    json_object_put (j);
    cli_run_free (&r);

    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("conversations", "list"));
    ck_assert_int_eq (r.status, 0);
    ck_assert_msg (strstr (r.out, id) != NULL, "%s not listed: %s", id, r.out);
    ck_assert_ptr_nonnull (strstr (r.out, "how do I connect to acme-db?"));
    cli_run_free (&r);

    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("conversations", "show", id));
    ck_assert_int_eq (r.status, 0);
    ck_assert_ptr_nonnull (strstr (r.out, "user"));
    ck_assert_ptr_nonnull (strstr (r.out, "assistant"));
    ck_assert_ptr_nonnull (strstr (r.out, "how do I connect to acme-db?"));
    cli_run_free (&r);

    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("--json", "conversations", "show", id));
    ck_assert_int_eq (r.status, 0);
    j = s_expect_json (&r);
    ck_assert_int_eq (json_object_array_length (qs_json_get (j, "messages", json_type_array)), 2);
    json_object_put (j);
    cli_run_free (&r);

    //  another user's token: 404, not 403
    char *bob = qs_harness_token ("bob", "org-acme", "member");
    r = s_cli_run (qs_harness_gateway (cli_h), bob, S_ARGS ("conversations", "show", id));
    ck_assert_int_eq (r.status, 1);
    ck_assert_ptr_nonnull (strstr (r.err, "404"));
    cli_run_free (&r);
    free (bob);

    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("conversations", "delete", id));
    ck_assert_msg (r.status == 0, "delete exit %d: %s", r.status, r.err);
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("conversations", "show", id));
    ck_assert_int_eq (r.status, 1);
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("conversations"));
    ck_assert_int_eq (r.status, 0);
    ck_assert_ptr_null (strstr (r.out, id));
    cli_run_free (&r);
}
END_TEST

START_TEST (test_exit_codes)
{
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), "not-a-token", S_ARGS ("recommend"));
    ck_assert_int_eq (r.status, 4);
    ck_assert_ptr_nonnull (strstr (r.err, "401"));
    ck_assert_ptr_null (strstr (r.err, "not-a-token"));     // the token is never echoed
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), NULL, S_ARGS ("chat", "hello"));
    ck_assert_int_eq (r.status, 4);
    cli_run_free (&r);
    //  a port nobody listens on
    char dead[64];
    snprintf (dead, sizeof dead, "http://127.0.0.1:%d", qs_free_port ());
    r = s_cli_run (dead, cli_token, S_ARGS ("recommend"));
    ck_assert_int_eq (r.status, 3);
    cli_run_free (&r);
    r = s_cli_run (dead, cli_token, S_ARGS ("chat", "hello"));
    ck_assert_int_eq (r.status, 3);
    cli_run_free (&r);
    r = s_cli_run (dead, NULL, S_ARGS ("health"));
    ck_assert_int_eq (r.status, 3);
    cli_run_free (&r);
    //  usage
    const char *const *bad[] = {S_ARGS ("frobnicate"), S_ARGS ("--bogus", "health"),
                                S_ARGS ("conversations", "show"), S_ARGS ("confirm"),
                                S_ARGS ("conversations", "show", "../etc"), S_ARGS ("token", "--sub", "x")};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = s_cli_run (qs_harness_gateway (cli_h), cli_token, bad[i]);
        ck_assert_msg (r.status == 2, "'%s %s' exit %d", bad[i][0], bad[i][1] ? bad[i][1] : "", r.status);
        cli_run_free (&r);
    }
    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("--help"));
    ck_assert_int_eq (r.status, 0);
    ck_assert_ptr_nonnull (strstr (r.out, "exit status"));
    cli_run_free (&r);
    //  an unknown action: the server's 404
    r = s_cli_run (qs_harness_gateway (cli_h), cli_token, S_ARGS ("cancel", "no-such-action"));
    ck_assert_int_eq (r.status, 1);
    cli_run_free (&r);
}
END_TEST

//  The n-th line of text (0-based) parsed, or NULL; *lines_p = the count
START_TEST (test_config_file)
{
    char dir[128], path[200];
    snprintf (dir, sizeof dir, "%s/.config/quickspin", cli_home);
    char cmd[300];
    snprintf (cmd, sizeof cmd, "mkdir -p '%s'", dir);
    ck_assert_int_eq (system (cmd), 0);
    snprintf (path, sizeof path, "%s/config", dir);
    FILE *f = fopen (path, "w");
    ck_assert_ptr_nonnull (f);
    fprintf (f, "# written by the test\nurl=%s\ntoken=%s\n", qs_harness_gateway (cli_h), cli_globex);
    fclose (f);
    cli_run_t r = s_cli_run (NULL, NULL, S_ARGS ("--json", "recommend"));
    unlink (path);
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
    json_object *j = s_expect_json (&r);
    ck_assert (qs_json_double (j, "total_potential_savings", 0) > 0);   // globex's, from the file
    json_object_put (j);
    cli_run_free (&r);
}
END_TEST

//  The first recommendation of the org that token sees whose type is (or,
//  with negate, is not) type; its id into id, its service name into name.
void
cli_reco (const char *token, const char *type, bool negate, char *id, char *name)
{
    json_object *api = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (cli_h), "/api/v1/recommendations", token, NULL, &api), 200);
    json_object *recs = qs_json_get (api, "recommendations", json_type_array);
    id[0] = '\0';
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !id[0]; i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        if (!strcmp (qs_json_str (r, "type", ""), type) != negate) {
            snprintf (id, 64, "%s", qs_json_str (r, "id", ""));
            snprintf (name, 64, "%s", qs_json_str (r, "service_name", ""));
        }
    }
    json_object_put (api);
    ck_assert_msg (id[0], "no %s%s recommendation", negate ? "non-" : "", type);
}

//  recommend --apply: --yes for scripts, --json, and the errors
START_TEST (test_recommend_apply)
{
    char id[64], name[64];
    cli_reco (cli_globex, "delete_idle", true, id, name);
    cli_run_t r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend"));
    ck_assert_msg (strstr (r.out, id) != NULL, "the table does not show the id %s: %s", id, r.out);
    cli_run_free (&r);
    //  without a terminal or an answer: shown, not applied
    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend", "--apply", id));
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
    char change[128];
    snprintf (change, sizeof change, "Change %s (action ", name);
    ck_assert_msg (strstr (r.out, change) != NULL, "no change shown: %s", r.out);
    ck_assert_ptr_nonnull (strstr (r.out, " -> "));
    ck_assert_ptr_nonnull (strstr (r.out, "monthly cost $"));
    ck_assert_ptr_nonnull (strstr (r.out, "Apply this change? [y/N]"));
    ck_assert_ptr_nonnull (strstr (r.out, "Not applied; nothing changed."));
    ck_assert_ptr_nonnull (strstr (r.out, "(update_service): cancelled"));
    cli_run_free (&r);
    //  --yes --json: the apply answer, then the confirm answer, as JSON
    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("--json", "recommend", "--apply", id, "--yes"));
    ck_assert_msg (r.status == 0, "exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull (strstr (r.out, "\"pending_confirmation\""));
    ck_assert_ptr_nonnull (strstr (r.out, "\"executed\""));
    ck_assert_ptr_nonnull (strstr (r.out, "\"monthly_cost_before\""));
    cli_run_free (&r);
    //  applied: the service changed, so that id is gone
    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend", "--apply", id, "--yes"));
    ck_assert_int_eq (r.status, 1);
    ck_assert_ptr_nonnull (strstr (r.err, "not_found"));
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend", "--apply", "../etc"));
    ck_assert_int_eq (r.status, 2);
    cli_run_free (&r);
    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend", "--yes"));
    ck_assert_int_eq (r.status, 2);
    cli_run_free (&r);
    //  --yes never deletes: the name must be typed (none here)
    char *admin = qs_harness_token ("cli-admin", "org-globex", "admin");
    cli_reco (admin, "delete_idle", false, id, name);
    r = s_cli_run (qs_harness_gateway (cli_h), admin, S_ARGS ("recommend", "--apply", id, "--yes"));
    ck_assert_int_eq (r.status, 2);
    ck_assert_ptr_nonnull (strstr (r.out, "--yes does not delete"));
    ck_assert_ptr_nonnull (strstr (r.out, "(delete_service): cancelled"));
    cli_run_free (&r);
    //  a member may not delete: told why, exit 4
    r = s_cli_run (qs_harness_gateway (cli_h), cli_globex, S_ARGS ("recommend", "--apply", id));
    ck_assert_int_eq (r.status, 4);
    ck_assert_ptr_nonnull (strstr (r.err, "role"));
    cli_run_free (&r);
    free (admin);
}
END_TEST

//  ---- interactive, in tmux (private socket) -------------------------------

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("cli_run");
    TCase *tc = tcase_create ("suite");
    tcase_add_unchecked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_one_shot_chat_and_confirm);
    tcase_add_test (tc, test_json_output);
    tcase_add_test (tc, test_audit_and_verify);
    tcase_add_test (tc, test_recommend_table);
    tcase_add_test (tc, test_conversations_list_show_delete);
    tcase_add_test (tc, test_exit_codes);
    tcase_add_test (tc, test_config_file);
    tcase_add_test (tc, test_recommend_apply);
    cli_tmux_add (tc);
    cli_mcp_add (tc);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
