#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_kb_bm25.h"

static qs_kb_bm25_t *
s_index (void)
{
    qs_kb_bm25_t *b = qs_kb_bm25_new ();
    ck_assert_ptr_nonnull (b);
    ck_assert_int_eq (qs_kb_bm25_add (b, "redis memory eviction policy maxmemory"), 0);
    ck_assert_int_eq (qs_kb_bm25_add (b, "postgres connections pooling pgbouncer"), 1);
    ck_assert_int_eq (qs_kb_bm25_add (b, "kafka consumer lag partitions consumer group"), 2);
    ck_assert_int_eq (qs_kb_bm25_add (b, "memory usage of many services and the memory limit"), 3);
    return b;
}

START_TEST (test_ranking)
{
    qs_kb_bm25_t *b = s_index ();
    qs_kb_scored_t out[4];
    int n = qs_kb_bm25_search (b, "consumer lag", NULL, NULL, out, 4);
    ck_assert_int_eq (n, 1);
    ck_assert_int_eq (out[0].chunk, 2);
    /*  the rare word outweighs the common one */
    n = qs_kb_bm25_search (b, "memory eviction", NULL, NULL, out, 4);
    ck_assert_int_eq (n, 2);
    ck_assert_int_eq (out[0].chunk, 0);
    ck_assert (out[0].score > out[1].score);
    ck_assert (qs_kb_bm25_idf (b, "eviction", 8) > qs_kb_bm25_idf (b, "memory", 6));
    ck_assert (qs_kb_bm25_idf (b, "neverseen", 9) >= qs_kb_bm25_idf (b, "eviction", 8));
    ck_assert_int_eq (qs_kb_bm25_search (b, "the and of", NULL, NULL, out, 4), 0);
    ck_assert_int_eq (qs_kb_bm25_search (b, "unknownword", NULL, NULL, out, 4), 0);
    qs_kb_bm25_destroy (&b);
    ck_assert_ptr_null (b);
    qs_kb_bm25_destroy (NULL);
}
END_TEST

START_TEST (test_misspelt_words)
{
    qs_kb_bm25_t *b = s_index ();
    qs_kb_scored_t out[4];
    /* one edit, a swap of two letters, two edits in a long word */
    const char *typos[][2] = {{"pgbouncr", "1"}, {"memroy eviction", "0"}, {"partitoins", "2"},
                              {"maxmemroy", "0"}, {"conections pooling", "1"}};
    for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++) {
        int n = qs_kb_bm25_search (b, typos[i][0], NULL, NULL, out, 4);
        ck_assert_msg (n >= 1 && out[0].chunk == (uint32_t) atoi (typos[i][1]), "'%s'", typos[i][0]);
    }
    /* the word itself beats a guess; short words and other first letters are never guessed */
    int n = qs_kb_bm25_search (b, "eviction", NULL, NULL, out, 4);
    float exact = out[0].score;
    n = qs_kb_bm25_search (b, "evicton", NULL, NULL, out, 4);
    ck_assert_int_eq (n, 1);
    ck_assert (out[0].score < exact);
    ck_assert_int_eq (qs_kb_bm25_search (b, "leg", NULL, NULL, out, 4), 0);
    ck_assert_int_eq (qs_kb_bm25_search (b, "xafka", NULL, NULL, out, 4), 0);
    ck_assert_int_eq (qs_kb_bm25_search (b, "weather tomorrow", NULL, NULL, out, 4), 0);
    qs_kb_bm25_destroy (&b);
}
END_TEST

START_TEST (test_max_results)
{
    qs_kb_bm25_t *b = s_index ();
    qs_kb_scored_t out[1];
    ck_assert_int_eq (qs_kb_bm25_search (b, "memory", NULL, NULL, out, 1), 1);
    ck_assert_int_eq (out[0].chunk, 3);     /* twice in a chunk of similar length */
    ck_assert_int_eq (qs_kb_bm25_search (b, "memory", NULL, NULL, out, 0), 0);
    qs_kb_bm25_destroy (&b);
}
END_TEST

static bool
s_only_odd (uint32_t chunk, void *arg)
{
    (void) arg;
    return chunk % 2 == 1;
}

START_TEST (test_filter_and_remove)
{
    qs_kb_bm25_t *b = s_index ();
    qs_kb_scored_t out[4];
    int n = qs_kb_bm25_search (b, "memory", s_only_odd, NULL, out, 4);
    ck_assert_int_eq (n, 1);
    ck_assert_int_eq (out[0].chunk, 3);
    ck_assert_int_eq ((int) qs_kb_bm25_size (b), 4);
    qs_kb_bm25_remove (b, 3);
    qs_kb_bm25_remove (b, 3);       /* twice is harmless */
    qs_kb_bm25_remove (b, 99);
    ck_assert_int_eq ((int) qs_kb_bm25_size (b), 3);
    n = qs_kb_bm25_search (b, "memory", NULL, NULL, out, 4);
    ck_assert_int_eq (n, 1);
    ck_assert_int_eq (out[0].chunk, 0);
    ck_assert (!qs_kb_bm25_known (b, "limit", 5));
    ck_assert (qs_kb_bm25_known (b, "memory", 6));
    ck_assert_int_gt ((int) qs_kb_bm25_memory (b), 0);
    qs_kb_bm25_destroy (&b);
}
END_TEST

START_TEST (test_many_terms_grow)
{
    qs_kb_bm25_t *b = qs_kb_bm25_new ();
    char text[64];
    for (int i = 0; i < 3000; i++) {
        snprintf (text, sizeof text, "word%d common", i);
        ck_assert_int_eq (qs_kb_bm25_add (b, text), i);
    }
    qs_kb_scored_t out[3];
    ck_assert_int_eq (qs_kb_bm25_search (b, "word1234", NULL, NULL, out, 3), 1);
    ck_assert_int_eq (out[0].chunk, 1234);
    ck_assert_int_eq (qs_kb_bm25_search (b, "common", NULL, NULL, out, 3), 3);
    qs_kb_bm25_destroy (&b);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_bm25");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_ranking);
    tcase_add_test (tc, test_misspelt_words);
    tcase_add_test (tc, test_max_results);
    tcase_add_test (tc, test_filter_and_remove);
    tcase_add_test (tc, test_many_terms_grow);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
