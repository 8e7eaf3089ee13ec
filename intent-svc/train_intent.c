/*  intent-train - trains the local intent model at build time.
      intent-train TRAIN.tsv OUT.c          write the model as C source
      intent-train TRAIN.tsv --cv K         K-fold cross-validation report
    TRAIN.tsv: one "intent<TAB>message" per line; '#' lines are comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_intent_model.h"

#define S_EPOCHS 30
#define S_RATE 0.4f
#define S_L2 1e-6f

typedef struct {
    qs_intent_example_t *ex;
    char **text;
    size_t n, cap;
} s_data_t;

static void
s_data_free (s_data_t *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free (d->ex[i].feats);
        free (d->text[i]);
    }
    free (d->ex);
    free (d->text);
}

static int
s_load (const char *path, s_data_t *d)
{
    FILE *f = fopen (path, "r");
    if (!f) {
        fprintf (stderr, "intent-train: cannot open %s\n", path);
        return -1;
    }
    char line[8192];
    int lineno = 0, rc = 0;
    qs_intent_tokens_t *toks = malloc (sizeof *toks);
    qs_intent_feat_t *feats = malloc (sizeof (qs_intent_feat_t) * QS_INTENT_MAX_FEATURES);
    if (!toks || !feats)
        rc = -1;
    while (rc == 0 && fgets (line, sizeof line, f)) {
        lineno++;
        line[strcspn (line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab = strchr (line, '\t');
        if (!tab) {
            fprintf (stderr, "%s:%d: no tab\n", path, lineno);
            rc = -1;
            break;
        }
        *tab = '\0';
        int label = qs_intent_from_name (line);
        if (label < 0) {
            fprintf (stderr, "%s:%d: unknown intent '%s'\n", path, lineno, line);
            rc = -1;
            break;
        }
        if (d->n == d->cap) {
            size_t cap = d->cap ? d->cap * 2 : 256;
            qs_intent_example_t *ex = realloc (d->ex, cap * sizeof *ex);
            if (ex)
                d->ex = ex;
            char **text = realloc (d->text, cap * sizeof *text);
            if (text)
                d->text = text;
            if (!ex || !text) {
                rc = -1;
                break;
            }
            d->cap = cap;
        }
        qs_intent_tokenize (tab + 1, toks);
        int nf = qs_intent_features (toks, feats, QS_INTENT_MAX_FEATURES);
        qs_intent_example_t *e = &d->ex[d->n];
        e->feats = malloc (sizeof (qs_intent_feat_t) * (size_t) (nf ? nf : 1));
        d->text[d->n] = strdup (tab + 1);
        if (!e->feats || !d->text[d->n]) {
            free (e->feats);
            free (d->text[d->n]);
            rc = -1;
            break;
        }
        memcpy (e->feats, feats, sizeof (qs_intent_feat_t) * (size_t) nf);
        e->nfeats = nf;
        e->label = label;
        d->n++;
    }
    free (toks);
    free (feats);
    fclose (f);
    return rc;
}

static int
s_argmax (const float *v)
{
    int best = 0;
    for (int c = 1; c < QS_INTENT_COUNT; c++)
        if (v[c] > v[best])
            best = c;
    return best;
}

/*  K-fold cross-validation on the training file only: a way to judge
    feature and data changes without ever looking at the dev set. */
static int
s_cross_validate (s_data_t *d, int k)
{
    qs_intent_example_t *train = malloc (sizeof *train * d->n);
    qs_intent_tokens_t *toks = malloc (sizeof *toks);
    if (!train || !toks) {
        free (train);
        free (toks);
        return -1;
    }
    size_t right = 0;
    int confusion[QS_INTENT_COUNT][QS_INTENT_COUNT] = { { 0 } };
    for (int fold = 0; fold < k; fold++) {
        size_t nt = 0;
        for (size_t i = 0; i < d->n; i++)
            if ((int) (i % (size_t) k) != fold)
                train[nt++] = d->ex[i];
        qs_intent_model_t *m = qs_intent_model_new ();
        if (!m || qs_intent_model_train (m, train, nt, S_EPOCHS, S_RATE, S_L2)) {
            qs_intent_model_destroy (&m);
            free (train);
            free (toks);
            return -1;
        }
        for (size_t i = (size_t) fold; i < d->n; i += (size_t) k) {
            float logits[QS_INTENT_COUNT];
            qs_intent_tokenize (d->text[i], toks);
            qs_intent_model_logits (m, toks, logits);
            int got = s_argmax (logits);
            confusion[d->ex[i].label][got]++;
            if (got == d->ex[i].label)
                right++;
            else
                printf ("  miss: %-20s -> %-20s %s\n", qs_intent_name (d->ex[i].label),
                        qs_intent_name (got), d->text[i]);
        }
        qs_intent_model_destroy (&m);
    }
    printf ("cross-validation (%d folds, %zu examples): accuracy %.3f\n", k, d->n,
            (double) right / (double) d->n);
    for (int a = 0; a < QS_INTENT_COUNT; a++) {
        printf ("%-20s", qs_intent_name (a));
        for (int b = 0; b < QS_INTENT_COUNT; b++)
            printf (" %4d", confusion[a][b]);
        printf ("\n");
    }
    free (train);
    free (toks);
    return 0;
}

int
main (int argc, char **argv)
{
    if (argc < 3) {
        fprintf (stderr, "usage: intent-train TRAIN.tsv OUT.c | TRAIN.tsv --cv K\n");
        return 2;
    }
    s_data_t d = { 0 };
    int status = 1;
    qs_intent_model_t *m = NULL;
    FILE *out = NULL;
    if (s_load (argv[1], &d) || d.n == 0)
        goto cleanup;
    if (strcmp (argv[2], "--cv") == 0) {
        int k = argc > 3 ? atoi (argv[3]) : 5;
        status = s_cross_validate (&d, k < 2 ? 2 : k) ? 1 : 0;
        goto cleanup;
    }
    m = qs_intent_model_new ();
    if (!m || qs_intent_model_train (m, d.ex, d.n, S_EPOCHS, S_RATE, S_L2))
        goto cleanup;
    out = fopen (argv[2], "w");
    if (!out || qs_intent_model_write_c (m, out)) {
        fprintf (stderr, "intent-train: cannot write %s\n", argv[2]);
        goto cleanup;
    }
    status = 0;
cleanup:
    if (out && fclose (out) && status == 0)
        status = 1;
    qs_intent_model_destroy (&m);
    s_data_free (&d);
    return status;
}
