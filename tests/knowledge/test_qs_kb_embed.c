#include "../qs_test.h"
#include <math.h>
#include "qs_kb_embed.h"

START_TEST (test_unit_length_and_self_similarity)
{
    float a[QS_KB_DIM], b[QS_KB_DIM];
    qs_kb_embed_text ("redis maxmemory eviction policy", NULL, a);
    ck_assert_float_eq_tol (qs_kb_embed_dot (a, a), 1.0f, 1e-4f);
    qs_kb_embed_text ("Redis MAXMEMORY eviction policies", NULL, b);
    ck_assert_float_eq_tol (qs_kb_embed_dot (a, b), 1.0f, 1e-4f);   /* same tokens */
    qs_kb_embed_text ("", NULL, b);
    ck_assert_float_eq_tol (qs_kb_embed_dot (b, b), 0.0f, 1e-6f);
}
END_TEST

START_TEST (test_typos_stay_close)
{
    float good[QS_KB_DIM], typo[QS_KB_DIM], other[QS_KB_DIM];
    qs_kb_embed_text ("elasticsearch cluster status", NULL, good);
    qs_kb_embed_text ("elasticsaerch clustr status", NULL, typo);
    qs_kb_embed_text ("kafka consumer offsets", NULL, other);
    float near = qs_kb_embed_dot (good, typo), far = qs_kb_embed_dot (good, other);
    ck_assert_msg (near > 0.5f, "typo similarity %f", near);
    ck_assert_msg (near > far + 0.3f, "near %f far %f", near, far);
}
END_TEST

START_TEST (test_idf_weights_rare_words)
{
    qs_kb_bm25_t *stats = qs_kb_bm25_new ();
    for (int i = 0; i < 20; i++)
        qs_kb_bm25_add (stats, i == 0 ? "service wraparound" : "service");
    float q[QS_KB_DIM], rare[QS_KB_DIM], common[QS_KB_DIM];
    qs_kb_embed_text ("service wraparound", stats, q);
    qs_kb_embed_text ("wraparound", stats, rare);
    qs_kb_embed_text ("service", stats, common);
    ck_assert (qs_kb_embed_dot (q, rare) > qs_kb_embed_dot (q, common));
    qs_kb_bm25_destroy (&stats);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_embed");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_unit_length_and_self_similarity);
    tcase_add_test (tc, test_typos_stay_close);
    tcase_add_test (tc, test_idf_weights_rare_words);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
