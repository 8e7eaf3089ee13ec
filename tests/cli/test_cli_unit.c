/*  The CLI's socket-free parts: the terminal Markdown renderer, the
    configuration, money formatting, exit codes, history. (Its SSE parser is
    common/http/qs_sse, tested in tests/http.) */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_cli_apply.h"
#include "qs_cli_cmds.h"
#include "qs_cli_config.h"
#include "qs_cli_ctx.h"
#include "qs_cli_line.h"
#include "qs_cli_md.h"

//  ---- Markdown -------------------------------------------------------------

static char *
s_render (bool styled, const char *const *pieces)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&buf, &len);
    ck_assert_ptr_nonnull (f);
    qs_cli_md_t *md = qs_cli_md_new (f, styled);
    for (int i = 0; pieces[i]; i++)
        ck_assert_int_eq (qs_cli_md_feed (md, pieces[i], strlen (pieces[i])), 0);
    qs_cli_md_flush (md);
    qs_cli_md_destroy (&md);
    fclose (f);
    return buf;
}

START_TEST (test_md_plain_is_verbatim)
{
    const char *pieces[] = {"**bold** and `code`\n| a | b |\n- item", NULL};
    char *out = s_render (false, pieces);
    ck_assert_str_eq (out, "**bold** and `code`\n| a | b |\n- item\n");
    ck_assert_ptr_null (strchr (out, '\033'));
    free (out);
}
END_TEST

START_TEST (test_md_styled)
{
    const char *pieces[] = {"# Title\n**bold** `x` **unclosed\n| **t** | b |\n- item\n```\ncode **no**\n```\nend", NULL};
    char *out = s_render (true, pieces);
    ck_assert_ptr_nonnull (strstr (out, "\033[1m\033[4mTitle\033[0m\n"));
    ck_assert_ptr_nonnull (strstr (out, "\033[1mbold\033[22m \033[36mx\033[39m **unclosed\n"));
    ck_assert_ptr_nonnull (strstr (out, "| **t** | b |\n"));     // tables as they are
    ck_assert_ptr_nonnull (strstr (out, "• item\n"));
    ck_assert_ptr_nonnull (strstr (out, "  \033[36mcode **no**\033[39m\n"));
    ck_assert_ptr_null (strstr (out, "```"));
    ck_assert_ptr_nonnull (strstr (out, "end\n"));
    free (out);
    //  bold inside a heading does not end the heading's bold
    const char *heading[] = {"## A **b** c", NULL};
    out = s_render (true, heading);
    ck_assert_str_eq (out, "\033[1m\033[4mA \033[1mb c\033[0m\n");
    free (out);
}
END_TEST

START_TEST (test_md_streamed_equals_whole)
{
    const char *whole[] = {"Hello **wor", "ld**\n| a |\n", "tail `c", "ode`", NULL};
    const char *one[] = {"Hello **world**\n| a |\ntail `code`", NULL};
    char *a = s_render (true, whole), *b = s_render (true, one);
    ck_assert_str_eq (a, b);
    free (a);
    free (b);
}
END_TEST

//  ---- configuration ------------------------------------------------------

static char s_dir[64];

static char *
s_write_config (const char *text)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/qs-cli-unit-XXXXXX");
    ck_assert_ptr_nonnull (mkdtemp (s_dir));
    char *path = NULL;
    ck_assert_int_gt (asprintf (&path, "%s/config", s_dir), 0);
    FILE *f = fopen (path, "w");
    ck_assert_ptr_nonnull (f);
    fputs (text, f);
    fclose (f);
    return path;
}

static void
s_remove (char *path)
{
    unlink (path);
    rmdir (s_dir);
    free (path);
}

START_TEST (test_config_sources)
{
    qs_cli_config_t cfg;
    qs_err_t err = {0};
    char *path = s_write_config ("# mine\n url = http://gw.example:9000/ \ntoken=file-token\n\n");
    ck_assert_int_eq (qs_cli_config_resolve (&cfg, NULL, NULL, path, &err), 0);
    ck_assert_str_eq (cfg.url, "http://gw.example:9000");
    ck_assert_str_eq (cfg.token, "file-token");
    //  the environment wins, per value
    ck_assert_int_eq (qs_cli_config_resolve (&cfg, "", "env-token", path, &err), 0);
    ck_assert_str_eq (cfg.url, "http://gw.example:9000");
    ck_assert_str_eq (cfg.token, "env-token");
    ck_assert_int_eq (qs_cli_config_resolve (&cfg, "http://a:1", NULL, path, &err), 0);
    ck_assert_str_eq (cfg.url, "http://a:1");
    ck_assert_str_eq (cfg.token, "file-token");
    s_remove (path);
    //  no file: the local default, no token
    ck_assert_int_eq (qs_cli_config_resolve (&cfg, NULL, NULL, "/nonexistent/qs/config", &err), 0);
    ck_assert_str_eq (cfg.url, QS_CLI_DEFAULT_URL);
    ck_assert_str_eq (cfg.token, "");
}
END_TEST

START_TEST (test_config_bad_lines)
{
    qs_cli_config_t cfg;
    qs_err_t err = {0};
    char *path = s_write_config ("url=http://x\npassword=hunter2\n");
    ck_assert_int_eq (qs_cli_config_resolve (&cfg, NULL, NULL, path, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, ":2: unknown key 'password'"));
    ck_assert_ptr_null (strstr (err.message, "hunter2"));
    s_remove (path);
    path = s_write_config ("just words\n");
    ck_assert_int_eq (qs_cli_config_resolve (&cfg, NULL, NULL, path, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, ":1: expected key=value"));
    s_remove (path);
}
END_TEST

START_TEST (test_config_path)
{
    char out[256];
    setenv ("QUICKSPIN_CONFIG", "/etc/qs.conf", 1);
    ck_assert_str_eq (qs_cli_config_path (out, sizeof out), "/etc/qs.conf");
    unsetenv ("QUICKSPIN_CONFIG");
    setenv ("XDG_CONFIG_HOME", "/x", 1);
    ck_assert_str_eq (qs_cli_config_path (out, sizeof out), "/x/quickspin/config");
    unsetenv ("XDG_CONFIG_HOME");
    setenv ("HOME", "/home/u", 1);
    ck_assert_str_eq (qs_cli_config_path (out, sizeof out), "/home/u/.config/quickspin/config");
    unsetenv ("HOME");
    ck_assert_ptr_null (qs_cli_config_path (out, sizeof out));
}
END_TEST

//  ---- small things -----------------------------------------------------------

START_TEST (test_money_and_exit_codes)
{
    char m[32];
    ck_assert_str_eq (qs_cli_money (0, m, sizeof m), "$0.00");
    ck_assert_str_eq (qs_cli_money (29.2, m, sizeof m), "$29.20");
    ck_assert_str_eq (qs_cli_money (1234.567, m, sizeof m), "$1,234.57");
    ck_assert_str_eq (qs_cli_money (1234567.0, m, sizeof m), "$1,234,567.00");
    ck_assert_str_eq (qs_cli_money (-5.5, m, sizeof m), "-$5.50");
    ck_assert_int_eq (qs_cli_exit_for_status (200), QS_CLI_OK);
    ck_assert_int_eq (qs_cli_exit_for_status (204), QS_CLI_OK);
    ck_assert_int_eq (qs_cli_exit_for_status (401), QS_CLI_UNAUTHORIZED);
    ck_assert_int_eq (qs_cli_exit_for_status (403), QS_CLI_UNAUTHORIZED);
    ck_assert_int_eq (qs_cli_exit_for_status (404), QS_CLI_SERVER);
    ck_assert_int_eq (qs_cli_exit_for_status (409), QS_CLI_SERVER);
    ck_assert_int_eq (qs_cli_exit_for_status (503), QS_CLI_SERVER);
    ck_assert_int_eq (qs_cli_exit_for_status (0), QS_CLI_UNREACHABLE);
}
END_TEST

START_TEST (test_history)
{
    qs_cli_line_t *ed = qs_cli_line_new (3);
    ck_assert_ptr_nonnull (ed);
    qs_cli_line_history_add (ed, "one");
    qs_cli_line_history_add (ed, "one");    // a repeat is kept once
    qs_cli_line_history_add (ed, "   ");    // blanks are not kept
    qs_cli_line_history_add (ed, "two");
    qs_cli_line_history_add (ed, "three");
    qs_cli_line_history_add (ed, "four");   // the oldest goes
    ck_assert_int_eq (qs_cli_line_history_size (ed), 3);
    ck_assert_str_eq (qs_cli_line_history_get (ed, 0), "two");
    ck_assert_str_eq (qs_cli_line_history_get (ed, 2), "four");
    ck_assert_ptr_null (qs_cli_line_history_get (ed, 3));
    qs_cli_line_destroy (&ed);
    ck_assert_ptr_null (ed);
}
END_TEST

//  ---- a recommendation's change, before it is confirmed ----------------------

START_TEST (test_apply_render)
{
    json_object *r = json_tokener_parse (
        "{\"conversation_id\":\"c1\",\"actions\":[{\"id\":\"act-9\",\"type\":\"update_service\","
        "\"status\":\"pending_confirmation\",\"service_id\":\"svc-1\",\"config\":{\"name\":\"billing-db\"},"
        "\"change\":{\"before\":{\"tier\":\"large\",\"high_availability\":true},"
        "\"after\":{\"tier\":\"small\",\"high_availability\":false},"
        "\"monthly_cost_before\":1343.2,\"monthly_cost_after\":80.3}}]}");
    ck_assert_ptr_nonnull (r);
    char *text = qs_cli_apply_render (r);
    ck_assert_str_eq (text, "Change billing-db (action act-9):\n"
                            "  tier large -> small\n"
                            "  high availability on -> off\n"
                            "  monthly cost $1,343.20 -> $80.30 (saves $1,262.90/month)\n");
    free (text);
    json_object_put (r);
    //  a delete reads as one, with the service's status
    r = json_tokener_parse (
        "{\"actions\":[{\"id\":\"act-2\",\"type\":\"delete_service\",\"status\":\"pending_confirmation\","
        "\"service_id\":\"svc-2\",\"change\":{\"before\":{\"status\":\"running\"},\"after\":{\"status\":\"deleted\"},"
        "\"monthly_cost_before\":40,\"monthly_cost_after\":0}}]}");
    text = qs_cli_apply_render (r);
    ck_assert_str_eq (text, "Delete svc-2 (action act-2):\n  status running -> deleted\n"
                            "  monthly cost $40.00 -> $0.00 (saves $40.00/month)\n");
    free (text);
    json_object_put (r);
    //  nothing pending (a refusal, a settled action): nothing to show
    r = json_tokener_parse ("{\"actions\":[{\"id\":\"a\",\"status\":\"executed\"}],\"message\":\"done\"}");
    ck_assert_ptr_null (qs_cli_apply_render (r));
    json_object_put (r);
    r = json_tokener_parse ("{\"message\":\"Your role cannot change services\"}");
    ck_assert_ptr_null (qs_cli_apply_render (r));
    json_object_put (r);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("cli_unit");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_md_plain_is_verbatim);
    tcase_add_test (tc, test_md_styled);
    tcase_add_test (tc, test_md_streamed_equals_whole);
    tcase_add_test (tc, test_config_sources);
    tcase_add_test (tc, test_config_bad_lines);
    tcase_add_test (tc, test_config_path);
    tcase_add_test (tc, test_money_and_exit_codes);
    tcase_add_test (tc, test_history);
    tcase_add_test (tc, test_apply_render);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
