/*  The quickspin binary at a terminal, in tmux against the suite of
    test_cli_run.c: the interactive session (question, y/N prompt, Ctrl-D),
    the one-shot prompt, a change typed at the prompt, recommend --apply. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_util.h"
#include "cli_run.h"

static const char *s_target = "qs";    // the tmux session s_pane/s_keys work on

static char *
s_pane (void)
{
    char cmd[160];
    snprintf (cmd, sizeof cmd, "tmux -L %s capture-pane -p -J -S -300 -t %s 2>/dev/null", cli_sock,
              s_target);
    FILE *p = popen (cmd, "r");
    ck_assert_ptr_nonnull (p);
    char *buf = calloc (1, 1);
    size_t len = 0;
    char chunk[4096];
    size_t n;
    while ((n = fread (chunk, 1, sizeof chunk, p)) > 0) {
        buf = realloc (buf, len + n + 1);
        memcpy (buf + len, chunk, n);
        len += n;
        buf[len] = '\0';
    }
    pclose (p);
    return buf;
}

//  Wait until the pane shows needle (at least `times` times); the pane text
//  or NULL after timeout_ms.
static char *
s_pane_wait (const char *needle, int times, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        char *text = s_pane ();
        int seen = 0;
        for (const char *p = text; (p = strstr (p, needle)); p += strlen (needle))
            seen++;
        if (seen >= times)
            return text;
        free (text);
        usleep (100 * 1000);
    }
    return NULL;
}

static void
s_keys (const char *keys, bool literal)
{
    char cmd[600];
    snprintf (cmd, sizeof cmd, "tmux -L %s send-keys -t %s %s '%s'", cli_sock, s_target,
              literal ? "-l" : "", keys);
    ck_assert_int_eq (system (cmd), 0);
}

//  Start the CLI in a new tmux session (the one s_pane/s_keys then work
//  on) with token and args (shell words, quoted by the caller); extra_env
//  may be "". The exit status goes into the pane; `sleep` keeps the pane to
//  read it.
static void
s_start (const char *session, const char *extra_env, const char *token, const char *args)
{
    char cmd[4096];
    s_target = session;
    snprintf (cmd, sizeof cmd,
              "tmux -L %s new-session -d -s %s -x 160 -y 50 "
              "\"env HOME=%s QUICKSPIN_URL=%s QUICKSPIN_TOKEN=%s %s %s %s; "
              "echo QS_EXIT=\\$?; sleep 60\"",
              cli_sock, session, cli_home, qs_harness_gateway (cli_h), token, extra_env, cli_bin, args);
    ck_assert_int_eq (system (cmd), 0);
}

//  End the current session.
static void
s_end (void)
{
    char cmd[160];
    snprintf (cmd, sizeof cmd, "tmux -L %s kill-session -t %s 2>/dev/null", cli_sock, s_target);
    ck_assert_int_eq (system (cmd), 0);
}

START_TEST (test_interactive_tmux)
{
    char cmd[160];
    s_start ("qs", "TERM=xterm-256color", cli_token, "chat");
    char *pane = s_pane_wait ("you>", 1, 10000);
    ck_assert_msg (pane != NULL, "no prompt");
    free (pane);
    s_keys ("create a redis cache called tmux-cache for staging", true);
    s_keys ("Enter", false);
    pane = s_pane_wait ("Confirm? [y/N]", 1, 30000);
    ck_assert_msg (pane != NULL, "no y/N prompt: %s", s_pane ());
    ck_assert_ptr_nonnull (strstr (pane, "tmux-cache"));
    ck_assert_ptr_nonnull (strstr (pane, "pending action"));
    free (pane);
    s_keys ("y", true);
    s_keys ("Enter", false);
    pane = s_pane_wait ("executed", 1, 30000);
    ck_assert_msg (pane != NULL, "not executed: %s", s_pane ());
    free (pane);
    pane = s_pane_wait ("you>", 2, 10000);
    ck_assert_msg (pane != NULL, "no prompt after the action");
    free (pane);
    //  history: Up brings the question back (shown on the prompt line)
    s_keys ("Up", false);
    pane = s_pane_wait ("called tmux-cache for staging", 2, 5000);
    ck_assert_msg (pane != NULL, "history did not recall the question: %s", s_pane ());
    free (pane);
    s_keys ("C-u", false);
    s_keys ("C-d", false);
    pane = s_pane_wait ("QS_EXIT=", 1, 10000);
    ck_assert_msg (pane != NULL, "the session did not end on Ctrl-D: %s", s_pane ());
    ck_assert_msg (strstr (pane, "QS_EXIT=0") != NULL, "Ctrl-D exit status: %s", strstr (pane, "QS_EXIT="));
    free (pane);
    snprintf (cmd, sizeof cmd, "tmux -L %s kill-server 2>/dev/null", cli_sock);
    ck_assert_int_eq (system (cmd), 0);
}
END_TEST

//  One question from a terminal: the pending action gets a y/N prompt; "n"
//  cancels it.
START_TEST (test_one_shot_prompt_tmux)
{
    s_start ("one", "", cli_token, "chat 'create a postgres database called tmux-one-db for staging'");
    char *pane = s_pane_wait ("Confirm? [y/N]", 1, 30000);
    ck_assert_msg (pane != NULL, "no y/N prompt: %s", s_pane ());
    ck_assert_ptr_nonnull (strstr (pane, "tmux-one-db"));
    free (pane);
    s_keys ("n", true);
    s_keys ("Enter", false);
    pane = s_pane_wait ("QS_EXIT=", 1, 30000);
    ck_assert_msg (pane != NULL, "the command did not end: %s", s_pane ());
    ck_assert_msg (strstr (pane, "cancelled") != NULL, "not cancelled: %s", pane);
    ck_assert_msg (strstr (pane, "QS_EXIT=0") != NULL, "exit status: %s", strstr (pane, "QS_EXIT="));
    free (pane);
    s_end ();
}
END_TEST

//  A change typed at the y/N prompt is the conversation's next message
//  (contract section 8: a pending plan is edited, not cancelled).
START_TEST (test_prompt_takes_a_change_tmux)
{
    s_start ("edit", "", cli_token, "chat 'create a postgres database called tmux-edit-db for staging'");
    char *pane = s_pane_wait ("Confirm? [y/N]", 1, 30000);
    ck_assert_msg (pane != NULL, "no y/N prompt: %s", s_pane ());
    free (pane);
    s_keys ("make it large", true);
    s_keys ("Enter", false);
    //  the answer to the change: a revised plan's prompt, or the end
    for (int waited = 0; waited < 300; waited++) {
        pane = s_pane ();
        const char *typed = strstr (pane, "make it large");
        if (strstr (pane, "QS_EXIT=") || (typed && strstr (typed, "Confirm? [y/N]")))
            break;
        free (pane);
        pane = NULL;
        usleep (100 * 1000);
    }
    ck_assert_msg (pane != NULL, "no answer to the change: %s", s_pane ());
    ck_assert_msg (strstr (pane, "(provision_service): cancelled") == NULL,
                   "the change cancelled the plan: %s", pane);
    const char *typed = strstr (pane, "make it large");
    ck_assert_msg (typed != NULL, "the change was not echoed: %s", pane);
    bool prompted = strstr (typed, "Confirm? [y/N]") != NULL;
    free (pane);
    if (prompted) {
        s_keys ("n", true);
        s_keys ("Enter", false);
    }
    pane = s_pane_wait ("QS_EXIT=", 1, 30000);
    ck_assert_msg (pane != NULL, "the command did not end: %s", s_pane ());
    ck_assert_msg (strstr (pane, "QS_EXIT=0") != NULL, "exit status: %s", strstr (pane, "QS_EXIT="));
    free (pane);
    s_end ();
}
END_TEST

//  recommend --apply at a terminal: the change, y/N, "y" applies it; a
//  delete asks for the name and a wrong one deletes nothing.
START_TEST (test_recommend_apply_tmux)
{
    char args[128], id[64], name[64];
    cli_reco (cli_globex, "delete_idle", true, id, name);
    snprintf (args, sizeof args, "recommend --apply %s", id);
    s_start ("apply", "", cli_globex, args);
    char *pane = s_pane_wait ("Apply this change? [y/N]", 1, 30000);
    ck_assert_msg (pane != NULL, "no y/N prompt: %s", s_pane ());
    ck_assert_ptr_nonnull (strstr (pane, name));
    ck_assert_ptr_nonnull (strstr (pane, "monthly cost $"));
    free (pane);
    s_keys ("y", true);
    s_keys ("Enter", false);
    pane = s_pane_wait ("QS_EXIT=", 1, 30000);
    ck_assert_msg (pane != NULL, "the command did not end: %s", s_pane ());
    ck_assert_msg (strstr (pane, "(update_service): executed") != NULL, "not executed: %s", pane);
    ck_assert_msg (strstr (pane, "QS_EXIT=0") != NULL, "exit status: %s", strstr (pane, "QS_EXIT="));
    free (pane);
    s_end ();
    //  a delete: the name typed back, and a wrong one changes nothing
    char *admin = qs_harness_token ("cli-admin", "org-globex", "admin");
    cli_reco (admin, "delete_idle", false, id, name);
    snprintf (args, sizeof args, "recommend --apply %s", id);
    s_start ("del", "", admin, args);
    pane = s_pane_wait ("Type the service's name to delete it:", 1, 30000);
    ck_assert_msg (pane != NULL, "no name prompt: %s", s_pane ());
    ck_assert_ptr_nonnull (strstr (pane, "Delete "));
    ck_assert_ptr_nonnull (strstr (pane, "status running -> deleted"));
    free (pane);
    s_keys ("yes", true);
    s_keys ("Enter", false);
    pane = s_pane_wait ("QS_EXIT=", 1, 30000);
    ck_assert_msg (pane != NULL, "the command did not end: %s", s_pane ());
    ck_assert_msg (strstr (pane, "The name does not match; nothing changed.") != NULL, "%s", pane);
    ck_assert_msg (strstr (pane, "QS_EXIT=1") != NULL, "exit status: %s", strstr (pane, "QS_EXIT="));
    free (pane);
    s_end ();
    json_object *svc = NULL;
    char path[160];
    cli_reco (admin, "delete_idle", false, id, name);          /* still there, still idle */
    snprintf (path, sizeof path, "/api/v1/recommendations/%s/apply", id);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (cli_h), path, admin, "{}", &svc), 200);
    json_object_put (svc);
    free (admin);
}
END_TEST

void
cli_tmux_add (TCase *tc)
{
    tcase_add_test (tc, test_interactive_tmux);
    tcase_add_test (tc, test_one_shot_prompt_tmux);
    tcase_add_test (tc, test_prompt_takes_a_change_tmux);
    tcase_add_test (tc, test_recommend_apply_tmux);
}
