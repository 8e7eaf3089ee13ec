/*  qs_cli_plan: a revising reply reads "Revised plan: tier small -> large,
    ..." and names the superseded action as cancelled; the same wording as
    the web UI (tests/web/plan.test.mjs). */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_cli_plan.h"

static const char s_revising[] =
    "{\"conversation_id\":\"c1\",\"intent\":\"provision_service\",\"message\":\"ok\","
    "\"actions\":[{\"id\":\"act-2\",\"type\":\"provision_service\",\"status\":\"pending_confirmation\"}],"
    "\"metadata\":{\"confidence\":0.9,\"revision\":{\"supersedes\":\"act-1\",\"changes\":["
    "{\"field\":\"tier\",\"before\":\"small\",\"after\":\"large\"},"
    "{\"field\":\"name\",\"before\":\"billing-db\",\"after\":\"ledger-db\"}]}}}";

//  What qs_cli_plan_print writes for the reply text, with or without colour.
static char *
s_printed (const char *reply, bool color)
{
    json_object *resp = json_tokener_parse (reply);
    ck_assert_ptr_nonnull (resp);
    qs_cli_ctx_t ctx = {.color = color};
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    ck_assert_ptr_nonnull (out);
    qs_cli_plan_print (&ctx, resp, out);
    fclose (out);
    json_object_put (resp);
    return text;
}

START_TEST (test_revision_line)
{
    json_object *resp = json_tokener_parse (s_revising);
    char *line = qs_cli_plan_revision (resp);
    ck_assert_str_eq (line, "Revised plan: tier small -> large, name billing-db -> ledger-db");
    free (line);
    json_object_put (resp);
}
END_TEST

START_TEST (test_values_read_as_settings)
{
    json_object *resp = json_tokener_parse (
        "{\"metadata\":{\"revision\":{\"supersedes\":\"a\",\"changes\":["
        "{\"field\":\"high_availability\",\"before\":false,\"after\":true},"
        "{\"field\":\"replicas\",\"before\":1,\"after\":3},"
        "{\"field\":\"region\",\"before\":null,\"after\":\"eu-west-1\"},"
        "{\"before\":1},{\"field\":\"\"},"
        "{\"field\":\"backup_enabled\",\"after\":false}]}}}");
    char *line = qs_cli_plan_revision (resp);
    ck_assert_str_eq (line, "Revised plan: high availability off -> on, replicas 1 -> 3, "
                            "region none -> eu-west-1, backup enabled none -> off");
    free (line);
    json_object_put (resp);
}
END_TEST

START_TEST (test_no_revision)
{
    const char *replies[] = {
        "{\"message\":\"hi\",\"metadata\":{\"confidence\":1}}",
        "{\"metadata\":{\"revision\":null}}",
        "{\"metadata\":{\"revision\":{\"changes\":[]}}}",
        "{\"metadata\":{\"revision\":\"tier\"}}",
        "[]",
    };
    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        json_object *resp = json_tokener_parse (replies[i]);
        ck_assert_ptr_null (qs_cli_plan_revision (resp));
        json_object_put (resp);
        char *printed = s_printed (replies[i], true);
        ck_assert_str_eq (printed, "");
        free (printed);
    }
    ck_assert_ptr_null (qs_cli_plan_revision (NULL));
    //  a revision that names only the superseded action still says so
    json_object *resp = json_tokener_parse ("{\"metadata\":{\"revision\":{\"supersedes\":\"x\"}}}");
    char *line = qs_cli_plan_revision (resp);
    ck_assert_str_eq (line, "Revised plan");
    free (line);
    json_object_put (resp);
}
END_TEST

START_TEST (test_print_plain_and_colour)
{
    char *plain = s_printed (s_revising, false);
    ck_assert_str_eq (plain, "\nRevised plan: tier small -> large, name billing-db -> ledger-db\n"
                             "action act-1: cancelled (superseded)\n");
    free (plain);
    char *styled = s_printed (s_revising, true);
    ck_assert_ptr_nonnull (strstr (styled, "\033[1mRevised plan: tier small -> large"));
    ck_assert_ptr_nonnull (strstr (styled, "action act-1: cancelled (superseded)\033[0m"));
    free (styled);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("cli_plan");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_revision_line);
    tcase_add_test (tc, test_values_read_as_settings);
    tcase_add_test (tc, test_no_revision);
    tcase_add_test (tc, test_print_plain_and_colour);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
