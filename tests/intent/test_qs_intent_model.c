/*  Tokenizer, features and the trainable model of the local intent engine. */
#include "../qs_test.h"
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "qs_intent_model.h"
#include "qs_intent_text.h"

START_TEST (test_tokenize_keeps_names_and_drops_apostrophes)
{
    qs_intent_tokens_t *t = malloc (sizeof *t);
    ck_assert_ptr_nonnull (t);
    qs_intent_tokenize ("Don't restart Orders-DB, it's in us-east-1 (redis 7.2).", t);
    ck_assert_int_eq (t->n, 8);
    ck_assert_str_eq (t->tok[0], "dont");
    ck_assert_str_eq (t->tok[2], "orders-db");
    ck_assert_str_eq (t->tok[3], "its");
    ck_assert_str_eq (t->tok[5], "us-east-1");
    ck_assert_str_eq (t->tok[7], "7.2");
    ck_assert_int_eq (t->brk[3], ',');       /* the comma before "it's" */
    ck_assert_int_eq (t->brk[2], 0);
    ck_assert_int_eq ((int) t->start[2], 14);
    ck_assert_int_eq ((int) t->end[2], 23);
    ck_assert_int_eq (qs_intent_find_phrase (t, 0, "in us-east-1"), 4);
    ck_assert_int_eq (qs_intent_find_phrase (t, 5, "in us-east-1"), -1);
    ck_assert (qs_intent_tok_is (t, 6, "redis"));
    ck_assert (!qs_intent_tok_is (t, 99, "redis"));
    qs_intent_tokenize (NULL, t);
    ck_assert_int_eq (t->n, 0);
    qs_intent_tokenize ("  ...!!  ", t);
    ck_assert_int_eq (t->n, 0);
    free (t);
}
END_TEST

START_TEST (test_tokenize_bounds_long_input)
{
    size_t len = 200000;
    char *big = malloc (len + 1);
    qs_intent_tokens_t *t = malloc (sizeof *t);
    ck_assert_ptr_nonnull (big);
    ck_assert_ptr_nonnull (t);
    for (size_t i = 0; i < len; i++)
        big[i] = (i % 3 == 2) ? ' ' : 'a';
    big[len] = '\0';
    qs_intent_tokenize (big, t);
    ck_assert_int_le (t->n, QS_INTENT_MAX_TOKENS);
    ck_assert_int_gt (t->n, 0);
    free (big);
    free (t);
}
END_TEST

START_TEST (test_features_are_normalised)
{
    qs_intent_tokens_t *t = malloc (sizeof *t);
    qs_intent_feat_t *f = malloc (sizeof *f * QS_INTENT_MAX_FEATURES);
    qs_intent_tokenize ("my redis keeps crashing", t);
    int n = qs_intent_features (t, f, QS_INTENT_MAX_FEATURES);
    ck_assert_int_gt (n, 10);
    double norm = 0;
    for (int k = 0; k < n; k++) {
        ck_assert_uint_lt (f[k].bucket, QS_INTENT_FEATURE_DIM);
        norm += (double) f[k].value * f[k].value;
    }
    ck_assert (fabs (norm - 1.0) < 1e-4);
    /* digits collapse: versions look alike to the classifier */
    qs_intent_feat_t *g = malloc (sizeof *g * QS_INTENT_MAX_FEATURES);
    qs_intent_tokenize ("postgres 15", t);
    int a = qs_intent_features (t, f, QS_INTENT_MAX_FEATURES);
    qs_intent_tokenize ("postgres 16", t);
    int b = qs_intent_features (t, g, QS_INTENT_MAX_FEATURES);
    ck_assert_int_eq (a, b);
    for (int k = 0; k < a; k++)
        ck_assert_uint_eq (f[k].bucket, g[k].bucket);
    /* a capacity smaller than the feature count is respected */
    qs_intent_tokenize ("a fairly long message with many words in it", t);
    ck_assert_int_eq (qs_intent_features (t, f, 5), 5);
    free (g);
    free (f);
    free (t);
}
END_TEST

START_TEST (test_names_round_trip)
{
    for (int i = 0; i < QS_INTENT_COUNT; i++)
        ck_assert_int_eq (qs_intent_from_name (qs_intent_name (i)), i);
    ck_assert_int_eq (qs_intent_from_name ("nope"), -1);
    ck_assert_int_eq (qs_intent_from_name (NULL), -1);
    ck_assert_str_eq (qs_intent_name (QS_INTENT_TROUBLESHOOT), "troubleshoot");
}
END_TEST

static const char *s_texts[] = {
    "create a new redis", "provision a postgres", "spin up kafka",
    "redis is crashing", "postgres is down", "kafka errors",
    "what does it cost", "reduce my bill", "save money",
};
static const int s_labels[] = {
    QS_INTENT_PROVISION, QS_INTENT_PROVISION, QS_INTENT_PROVISION,
    QS_INTENT_TROUBLESHOOT, QS_INTENT_TROUBLESHOOT, QS_INTENT_TROUBLESHOOT,
    QS_INTENT_OPTIMIZE, QS_INTENT_OPTIMIZE, QS_INTENT_OPTIMIZE,
};
#define S_N 9

static int
s_argmax (const float *v)
{
    int best = 0;
    for (int c = 1; c < QS_INTENT_COUNT; c++)
        if (v[c] > v[best])
            best = c;
    return best;
}

START_TEST (test_training_learns_and_round_trips)
{
    qs_intent_tokens_t *t = malloc (sizeof *t);
    qs_intent_example_t ex[S_N];
    for (int i = 0; i < S_N; i++) {
        ex[i].feats = malloc (sizeof (qs_intent_feat_t) * QS_INTENT_MAX_FEATURES);
        qs_intent_tokenize (s_texts[i], t);
        ex[i].nfeats = qs_intent_features (t, ex[i].feats, QS_INTENT_MAX_FEATURES);
        ex[i].label = s_labels[i];
    }
    qs_intent_model_t *m = qs_intent_model_new ();
    ck_assert_ptr_nonnull (m);
    float before[QS_INTENT_COUNT];
    qs_intent_tokenize (s_texts[0], t);
    qs_intent_model_logits (m, t, before);
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        ck_assert (before[c] == 0.0f);
    ck_assert_int_eq (qs_intent_model_train (m, ex, S_N, 20, 0.4f, 1e-6f), 0);
    for (int i = 0; i < S_N; i++) {
        float l[QS_INTENT_COUNT];
        qs_intent_tokenize (s_texts[i], t);
        qs_intent_model_logits (m, t, l);
        ck_assert_int_eq (s_argmax (l), s_labels[i]);
    }
    /* unseen wording sharing words and character n-grams */
    float l[QS_INTENT_COUNT], p[QS_INTENT_COUNT];
    qs_intent_tokenize ("my redis keeps crashing", t);
    qs_intent_model_logits (m, t, l);
    ck_assert_int_eq (s_argmax (l), QS_INTENT_TROUBLESHOOT);
    qs_intent_softmax (l, p);
    float sum = 0;
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        sum += p[c];
    ck_assert (fabsf (sum - 1.0f) < 1e-4f);

    /* the generated C holds a row per used bucket and the biases */
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    ck_assert_int_eq (qs_intent_model_write_c (m, out), 0);
    fclose (out);
    ck_assert_ptr_nonnull (strstr (text, "qs_intent_model_rows[]"));
    ck_assert_ptr_nonnull (strstr (text, "qs_intent_model_bias"));
    free (text);

    qs_intent_model_destroy (&m);
    ck_assert_ptr_null (m);
    qs_intent_model_destroy (NULL);
    for (int i = 0; i < S_N; i++)
        free (ex[i].feats);
    free (t);
}
END_TEST

START_TEST (test_rows_rebuild_the_model)
{
    qs_intent_weight_row_t rows[1] = { { 0, { 0 } } };
    float bias[QS_INTENT_COUNT] = { 0, 0, 0, 0, 0, 1.5f };
    qs_intent_tokens_t *t = malloc (sizeof *t);
    qs_intent_model_t *m = qs_intent_model_new_from_rows (rows, 1, bias);
    ck_assert_ptr_nonnull (m);
    float l[QS_INTENT_COUNT];
    qs_intent_tokenize ("anything", t);
    qs_intent_model_logits (m, t, l);
    ck_assert_int_eq (s_argmax (l), QS_INTENT_GENERAL);
    qs_intent_model_destroy (&m);
    /* the build-time model is there and not empty */
    m = qs_intent_model_new_builtin ();
    ck_assert_ptr_nonnull (m);
    qs_intent_tokenize ("create a postgres database", t);
    qs_intent_model_logits (m, t, l);
    ck_assert_int_eq (s_argmax (l), QS_INTENT_PROVISION);
    qs_intent_model_destroy (&m);
    free (t);
}
END_TEST

/*  The sparse model reads rows in any order and scores exactly as the sum
    of its weights over the message's features. */
START_TEST (test_sparse_rows_score_like_the_sum)
{
    qs_intent_tokens_t *t = malloc (sizeof *t);
    qs_intent_feat_t f[QS_INTENT_MAX_FEATURES];
    qs_intent_tokenize ("resize the postgres cluster", t);
    int nf = qs_intent_features (t, f, QS_INTENT_MAX_FEATURES);
    ck_assert_int_gt (nf, 4);
    qs_intent_weight_row_t *rows = calloc ((size_t) nf + 1, sizeof *rows);
    float bias[QS_INTENT_COUNT] = { 0.1f, 0.2f, 0, 0, 0, 0, -0.3f }, want[QS_INTENT_COUNT];
    memcpy (want, bias, sizeof want);
    int n = 0;
    for (int k = nf - 1; k >= 0; k--) {         /* reversed: not sorted */
        bool seen = false;
        for (int j = 0; j < n; j++)
            seen |= rows[j].bucket == f[k].bucket;
        if (seen)
            continue;                   /* a bucket is one row */
        rows[n].bucket = f[k].bucket;
        for (int c = 0; c < QS_INTENT_COUNT; c++)
            rows[n].w[c] = (float) ((k * 7 + c * 3) % 11) / 10.0f - 0.5f;
        n++;
    }
    for (int k = 0; k < nf; k++)
        for (int j = 0; j < n; j++)
            if (rows[j].bucket == f[k].bucket)
                for (int c = 0; c < QS_INTENT_COUNT; c++)
                    want[c] += rows[j].w[c] * f[k].value;
    rows[n++].bucket = QS_INTENT_FEATURE_DIM + 5;   /* out of range: ignored */
    qs_intent_model_t *copied = qs_intent_model_new_from_rows (rows, (size_t) n, bias);
    qs_intent_model_t *lent = qs_intent_model_new_lent_rows (rows, (size_t) n, bias);
    ck_assert_ptr_nonnull (copied);
    ck_assert_ptr_nonnull (lent);
    float a[QS_INTENT_COUNT], b[QS_INTENT_COUNT];
    qs_intent_model_logits (copied, t, a);
    qs_intent_model_logits (lent, t, b);
    for (int c = 0; c < QS_INTENT_COUNT; c++) {
        ck_assert_float_eq_tol (a[c], want[c], 1e-4f);
        ck_assert_float_eq_tol (b[c], want[c], 1e-4f);
    }
    /* a sparse model is for prediction only */
    ck_assert_int_eq (qs_intent_model_train (copied, NULL, 0, 1, 0.1f, 0), -1);
    qs_intent_model_destroy (&copied);
    qs_intent_model_destroy (&lent);
    free (rows);
    free (t);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_model");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_tokenize_keeps_names_and_drops_apostrophes);
    tcase_add_test (tc, test_sparse_rows_score_like_the_sum);
    tcase_add_test (tc, test_tokenize_bounds_long_input);
    tcase_add_test (tc, test_features_are_normalised);
    tcase_add_test (tc, test_names_round_trip);
    tcase_add_test (tc, test_training_learns_and_round_trips);
    tcase_add_test (tc, test_rows_rebuild_the_model);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
