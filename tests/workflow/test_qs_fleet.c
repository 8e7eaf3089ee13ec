/*  qs_fleet: which health questions are about several services, and the
    answer: the ones needing attention first and numbered (the list "the
    first one" points into), the ones that could not be read, the healthy. */
#include "../qs_test.h"
#include <string.h>
#include "qs_fleet.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include "qs_json.h"

START_TEST (test_asked_about_several)
{
    const char *yes[] = {
        "which ones are failing?", "is anything down?", "are my databases ok?", "Are ALL my caches fine",
        "any problems with my services?", "is everything healthy", "which of my queues are broken",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg (qs_fleet_asked (yes[i]), "'%s' asks about several", yes[i]);
    const char *no[] = {
        "is my database healthy?", "why is acme-cache down?", "is it ok?", "what is wrong with the queue",
        "", "anythings", "companyservices down",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg (!qs_fleet_asked (no[i]), "'%s' asks about one", no[i]);
    ck_assert (!qs_fleet_asked (NULL));
}
END_TEST

static json_object *
s_svc (const char *name, const char *type)
{
    json_object *s = json_object_new_object ();
    qs_json_add_str (s, "id", name);
    qs_json_add_str (s, "name", name);
    qs_json_add_str (s, "service_type", type);
    return s;
}

static json_object *
s_diag (const char *status, const char *code, const char *evidence)
{
    char text[1024];
    snprintf (text, sizeof text, "{\"status\":\"%s\",\"findings\":[{\"code\":\"%s\",\"evidence\":\"%s\"}]}",
              status, code, evidence);
    return json_tokener_parse (text);
}

START_TEST (test_attention_first_and_numbered)
{
    json_object *svcs = json_object_new_array (), *diags = json_object_new_array (), *attention = NULL;
    json_object_array_add (svcs, s_svc ("a-ok", "redis"));
    json_object_array_add (diags, s_diag ("healthy", "healthy", "1 pod running and ready"));
    json_object_array_add (svcs, s_svc ("b-slow", "postgresql"));
    json_object_array_add (diags, s_diag ("degraded", "readiness_probe_failing", "pod b-0 is not Ready;\\nevent: probe failed"));
    json_object_array_add (svcs, s_svc ("c-gone", "kafka"));
    json_object_array_add (diags, NULL);                            /* its state could not be read */
    json_object_array_add (svcs, s_svc ("d-dead", "rabbitmq"));
    json_object_array_add (diags, s_diag ("down", "crash_loop_backoff", "CrashLoopBackOff after 9 restarts"));
    char *text = qs_fleet_answer (svcs, diags, true, &attention);
    ck_assert_ptr_nonnull (text);
    ck_assert_msg (strstr (text, "2 of your 4 services need attention"), "%s", text);
    /* down before degraded, numbered in the order of the list */
    const char *one = strstr (text, "1. **d-dead** (rabbitmq) is **down**: CrashLoopBackOff");
    const char *two = strstr (text, "2. **b-slow** (postgresql) is **degraded**: pod b-0 is not Ready; event");
    ck_assert_msg (one && two && one < two, "%s", text);
    ck_assert_int_eq ((int) json_object_array_length (attention), 2);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (attention, 0), "id", ""), "d-dead");
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (attention, 1), "id", ""), "b-slow");
    ck_assert_msg (strstr (text, "could not tell") && strstr (text, "**c-gone**"), "%s", text);
    ck_assert_msg (strstr (text, "Healthy (1): a-ok."), "%s", text);
    ck_assert_msg (strstr (text, "why is the first one down?"), "%s", text);
    free (text);
    json_object_put (attention);
    json_object_put (svcs);
    json_object_put (diags);
}
END_TEST

START_TEST (test_all_healthy_and_long_evidence)
{
    json_object *svcs = json_object_new_array (), *diags = json_object_new_array (), *attention = NULL;
    json_object_array_add (svcs, s_svc ("x", "redis"));
    json_object_array_add (diags, s_diag ("healthy", "healthy", "fine"));
    json_object_array_add (svcs, s_svc ("y", "mysql"));
    json_object_array_add (diags, s_diag ("healthy", "healthy", "fine"));
    char *text = qs_fleet_answer (svcs, diags, false, &attention);
    ck_assert_msg (strstr (text, "None of the 2 services shows a problem"), "%s", text);
    ck_assert_int_eq ((int) json_object_array_length (attention), 0);
    free (text);
    json_object_put (attention);
    /* evidence longer than a line is cut on a character boundary */
    char evidence[600] = "a";                                      /* the cut falls inside a character */
    for (int i = 0; i < 150; i++)
        strcat (evidence, "\xc3\xa9");                              /* é: two bytes each */
    json_object_array_put_idx (diags, 1, s_diag ("down", "oom_killed", evidence));     /* puts the old one */
    text = qs_fleet_answer (svcs, diags, false, &attention);
    const char *line = strstr (text, "1. **y**");
    ck_assert_ptr_nonnull (line);
    const char *end = strstr (line, "...");
    ck_assert_ptr_nonnull (end);
    ck_assert_int_ne ((unsigned char) end[-1], 0xc3);               /* no half character before the cut */
    ck_assert_int_ge (qs_utf8_length (text, strlen (text)), 0);
    free (text);
    json_object_put (attention);
    json_object_put (svcs);
    json_object_put (diags);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_fleet");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_asked_about_several);
    tcase_add_test (tc, test_attention_first_and_numbered);
    tcase_add_test (tc, test_all_healthy_and_long_evidence);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
