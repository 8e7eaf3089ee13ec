/*  qs_answer: whether a knowledge result answers the question asked
    (qs_answer_grounded), and the general answer with and without pages. */
#include "../qs_test.h"
#include <stdlib.h>
#include <string.h>
#include "qs_answer.h"
#include "qs_json.h"

static json_object *
s_result (const char *title, const char *topic, const char *snippet)
{
    json_object *r = json_object_new_object ();
    qs_json_add_str (r, "id", "p1");
    qs_json_add_str (r, "title", title);
    qs_json_add_str (r, "topic", topic);
    qs_json_add_str (r, "category", "common_issues");
    qs_json_add_str (r, "snippet", snippet);
    return r;
}

START_TEST (test_grounded)
{
    json_object *vacuum = s_result ("PostgreSQL table bloat, autovacuum and transaction ID wraparound", "postgresql",
                                    "Find bloated tables: SELECT relname, n_dead_tup FROM pg_stat_user_tables;");
    ck_assert (qs_answer_grounded ("how do I tune autovacuum in postgres?", vacuum));
    ck_assert (qs_answer_grounded ("postgress autovacum settings", vacuum));          /* typos, first letters */
    ck_assert (qs_answer_grounded ("Why are my tables so BLOATED?", vacuum));
    ck_assert (!qs_answer_grounded ("and how do I do it?", vacuum));                  /* no topic: nothing to answer */
    json_object *ha = s_result ("High availability on QuickSpin", "platform", "HA runs a primary and a replica.");
    ck_assert (qs_answer_grounded ("what is HA?", ha));                               /* two letters are a topic */
    json_object_put (ha);
    ck_assert (!qs_answer_grounded ("what's the weather in Paris tomorrow?", vacuum));
    ck_assert (!qs_answer_grounded ("what is the meaning of life", vacuum));
    /* six letters from seven: "translate" is not "transaction" */
    ck_assert (!qs_answer_grounded ("translate hello into spanish", vacuum));
    ck_assert (!qs_answer_grounded ("", NULL));
    json_object_put (vacuum);
}
END_TEST

START_TEST (test_general_answer)
{
    char *text = qs_answer_general ("anything", NULL);
    ck_assert_ptr_nonnull (strstr (text, "I don't have a page"));
    free (text);
    json_object *results = json_object_new_array ();
    json_object_array_add (results, s_result ("Redis eviction", "redis", "Set maxmemory-policy allkeys-lru."));
    text = qs_answer_general ("which eviction policy?", results);
    ck_assert_ptr_nonnull (strstr (text, "From **Redis eviction**"));
    ck_assert_ptr_nonnull (strstr (text, "allkeys-lru"));
    free (text);
    json_object_put (results);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_answer");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_grounded);
    tcase_add_test (tc, test_general_answer);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
