/*  intent-eval - scores the local engine on the dev set (make eval).
      intent-eval DEV.tsv [-v]
      intent-eval --cv TRAIN.tsv [-v]     5-fold CV of model + rules
      intent-eval --message TEXT [DIALOGUE_JSON]  one message through both ops
    DEV.tsv: intent<TAB>message<TAB>expected extraction JSON[<TAB>history JSON]
    The expected object lists the fields the message states (config fields,
    memory_mb, "service_ref": a name or "type:<service_type>", "confirmation").
    Every field either expected or extracted is scored, so spurious fields
    count as errors. Extraction runs with a fixed pricing and context below.
    Exit status 1 when a goal (0.95 / 0.95) is missed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_intent_classify.h"
#include "qs_intent_dialogue.h"
#include "qs_intent_extract.h"
#include "qs_json.h"

static const char *s_pricing =
    "{\"currency\":\"USD\",\"hours_per_month\":730,\"tiers\":{"
    "\"nano\":{\"memory_mb\":256,\"vcpu\":0.25,\"hourly\":0.01},"
    "\"micro\":{\"memory_mb\":512,\"vcpu\":0.5,\"hourly\":0.02},"
    "\"small\":{\"memory_mb\":1024,\"vcpu\":1,\"hourly\":0.04},"
    "\"medium\":{\"memory_mb\":2048,\"vcpu\":2,\"hourly\":0.08},"
    "\"large\":{\"memory_mb\":4096,\"vcpu\":4,\"hourly\":0.16},"
    "\"xlarge\":{\"memory_mb\":8192,\"vcpu\":8,\"hourly\":0.32}}}";

/*  Oldest first: "it" is events-stream. */
static const char *s_context =
    "[{\"id\":\"svc_orders\",\"name\":\"orders-db\",\"service_type\":\"postgresql\"},"
    "{\"id\":\"svc_cache\",\"name\":\"session-cache\",\"service_type\":\"redis\"},"
    "{\"id\":\"svc_events\",\"name\":\"events-stream\",\"service_type\":\"kafka\"}]";

static const char *s_fields[] = { "service_type", "name", "tier", "version", "region",
                                  "replicas", "environment", "high_availability",
                                  "backup_enabled", "memory_mb", "service_ref",
                                  "confirmation" };
#define S_NFIELDS (sizeof s_fields / sizeof s_fields[0])

static json_object *
s_parse (const char *text)
{
    const char *why;
    return text && *text ? qs_json_parse (text, strlen (text), &why) : NULL;
}

/*  The extracted value of a field as text ("" when absent) into buf. */
static void
s_got (json_object *reply, const char *field, char *buf, size_t size)
{
    json_object *v = NULL;
    buf[0] = '\0';
    if (strcmp (field, "service_ref") == 0) {
        json_object *ref = qs_json_get (reply, "service_ref", json_type_object);
        if (ref) {
            const char *name = qs_json_str (ref, "name", NULL);
            if (name)
                snprintf (buf, size, "%s", name);
            else
                snprintf (buf, size, "type:%s", qs_json_str (ref, "service_type", "?"));
        }
        return;
    }
    if (strcmp (field, "confirmation") == 0) {
        const char *c = qs_json_str (reply, "confirmation", "none");
        snprintf (buf, size, "%s", strcmp (c, "none") ? c : "");
        return;
    }
    if (strcmp (field, "memory_mb") == 0)
        json_object_object_get_ex (reply, "memory_mb", &v);
    else
        json_object_object_get_ex (qs_json_get (reply, "config", json_type_object), field, &v);
    if (v)
        snprintf (buf, size, "%s", json_object_is_type (v, json_type_string)
                                   ? json_object_get_string (v) : json_object_to_json_string (v));
}

static void
s_want (json_object *expected, const char *field, char *buf, size_t size)
{
    json_object *v = NULL;
    buf[0] = '\0';
    if (json_object_object_get_ex (expected, field, &v) && v)
        snprintf (buf, size, "%s", json_object_is_type (v, json_type_string)
                                   ? json_object_get_string (v) : json_object_to_json_string (v));
    if (strcmp (field, "confirmation") == 0 && strcmp (buf, "none") == 0)
        buf[0] = '\0';
}

/*  K-fold cross-validation of the whole local classifier (model + rules)
    on the training file: how data and rule changes generalise, judged
    without the dev set. */
static int
s_cross_validate (const char *path, int k, int verbose)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return 2;
    char **text = NULL;
    int *label = NULL;
    size_t n = 0, cap = 0;
    char line[8192];
    while (fgets (line, sizeof line, f)) {
        line[strcspn (line, "\r\n")] = '\0';
        char *tab = strchr (line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        if (n == cap) {
            cap = cap ? cap * 2 : 512;
            char **t2 = realloc (text, cap * sizeof *t2);
            int *l2 = realloc (label, cap * sizeof *l2);
            if (t2)
                text = t2;
            if (l2)
                label = l2;
            if (!t2 || !l2)
                break;
        }
        text[n] = strdup (tab + 1);
        label[n++] = qs_intent_from_name (line);
    }
    fclose (f);
    qs_intent_tokens_t *t = malloc (sizeof *t);
    qs_intent_example_t *ex = calloc (n ? n : 1, sizeof *ex);
    size_t right = 0;
    for (int fold = 0; t && ex && fold < k; fold++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if ((int) (i % (size_t) k) == fold)
                continue;
            ex[m].feats = malloc (sizeof (qs_intent_feat_t) * QS_INTENT_MAX_FEATURES);
            qs_intent_tokenize (text[i], t);
            ex[m].nfeats = ex[m].feats ? qs_intent_features (t, ex[m].feats, QS_INTENT_MAX_FEATURES) : 0;
            ex[m++].label = label[i];
        }
        qs_intent_model_t *model = qs_intent_model_new ();
        if (model)
            qs_intent_model_train (model, ex, m, 30, 0.4f, 1e-6f);
        qs_intent_classifier_t *clf = qs_intent_classifier_new_with_model (&model);
        for (size_t i = (size_t) fold; clf && i < n; i += (size_t) k) {
            qs_intent_result_t r;
            qs_intent_classify (clf, text[i], NULL, &r);
            if (r.intent == label[i])
                right++;
            else if (verbose)
                printf ("  miss: %-19s -> %-19s %s\n", qs_intent_name (label[i]),
                        qs_intent_name (r.intent), text[i]);
        }
        qs_intent_classifier_destroy (&clf);
        for (size_t i = 0; i < m; i++)
            free (ex[i].feats);
    }
    printf ("cross-validation of model + rules (%d folds, %zu examples): accuracy %.3f\n", k, n,
            n ? (double) right / (double) n : 0.0);
    for (size_t i = 0; i < n; i++)
        free (text[i]);
    free (text);
    free (label);
    free (ex);
    free (t);
    return 0;
}

int
main (int argc, char **argv)
{
    if (argc < 2) {
        fprintf (stderr, "usage: intent-eval DEV.tsv [-v] | intent-eval --cv TRAIN.tsv [-v]\n");
        return 2;
    }
    if (strcmp (argv[1], "--message") == 0 && argc > 2) {
        /* one message through both ops, with the fixed pricing/context,
           optionally a dialogue summary (argv[3]) as the workflow sends it */
        qs_intent_classifier_t *c = qs_intent_classifier_new ();
        json_object *pr = s_parse (s_pricing), *cx = s_parse (s_context);
        json_object *dl = argc > 3 ? s_parse (argv[3]) : NULL;
        qs_intent_result_t r;
        if (!c || (argc > 3 && !dl))
            return 2;
        qs_intent_classify_dialogue (c, argv[2], NULL, dl, &r);
        json_object *a = qs_intent_result_json (&r);
        qs_intent_extract_in_t in = { pr, cx, dl ? cx : NULL, dl };
        json_object *b = qs_intent_extract_with (argv[2], &in);
        printf ("%s\n%s\n", json_object_to_json_string (a), json_object_to_json_string (b));
        json_object_put (a);
        json_object_put (b);
        json_object_put (pr);
        json_object_put (cx);
        json_object_put (dl);
        qs_intent_classifier_destroy (&c);
        return 0;
    }
    if (strcmp (argv[1], "--cv") == 0 && argc > 2)
        return s_cross_validate (argv[2], 5, argc > 3 && strcmp (argv[3], "-v") == 0);
    int verbose = argc > 2 && strcmp (argv[2], "-v") == 0;
    FILE *f = fopen (argv[1], "r");
    if (!f) {
        fprintf (stderr, "intent-eval: cannot open %s\n", argv[1]);
        return 2;
    }
    qs_intent_classifier_t *clf = qs_intent_classifier_new ();
    json_object *pricing = s_parse (s_pricing);
    json_object *context = s_parse (s_context);
    int confusion[QS_INTENT_COUNT][QS_INTENT_COUNT] = { { 0 } };
    long rows = 0, right = 0, fields = 0, fields_right = 0;
    long per_field[S_NFIELDS][2] = { { 0 } };
    char line[16384];
    int lineno = 0, status = 2;
    if (!clf || !pricing || !context)
        goto cleanup;
    while (fgets (line, sizeof line, f)) {
        lineno++;
        line[strcspn (line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *cols[4] = { line, NULL, NULL, NULL };
        for (int c = 1; c < 4; c++) {
            char *tab = cols[c - 1] ? strchr (cols[c - 1], '\t') : NULL;
            if (tab) {
                *tab = '\0';
                cols[c] = tab + 1;
            }
        }
        int want = qs_intent_from_name (cols[0]);
        json_object *expected = s_parse (cols[2]);
        if (want < 0 || !cols[1] || !expected) {
            fprintf (stderr, "%s:%d: bad row\n", argv[1], lineno);
            json_object_put (expected);
            goto cleanup;
        }
        json_object *history = s_parse (cols[3]);
        qs_intent_result_t r;
        qs_intent_classify (clf, cols[1], history, &r);
        rows++;
        confusion[want][r.intent]++;
        if (r.intent == want)
            right++;
        else if (verbose)
            printf ("intent miss: want %-19s got %-19s (%.2f) %s\n", qs_intent_name (want),
                    qs_intent_name (r.intent), (double) r.confidence, cols[1]);
        json_object *reply = qs_intent_extract (cols[1], pricing, context);
        for (size_t k = 0; reply && k < S_NFIELDS; k++) {
            char w[128], g[128];
            s_want (expected, s_fields[k], w, sizeof w);
            s_got (reply, s_fields[k], g, sizeof g);
            if (!w[0] && !g[0])
                continue;
            fields++;
            per_field[k][0]++;
            if (strcmp (w, g) == 0) {
                fields_right++;
                per_field[k][1]++;
            }
            else if (verbose)
                printf ("field miss: %-17s want '%s' got '%s': %s\n", s_fields[k], w, g, cols[1]);
        }
        json_object_put (reply);
        json_object_put (expected);
        json_object_put (history);
    }
    double acc = rows ? (double) right / (double) rows : 0;
    double facc = fields ? (double) fields_right / (double) fields : 0;
    printf ("intent dev set: %ld utterances\n", rows);
    printf ("intent accuracy: %.3f (%ld/%ld)\n\n", acc, right, rows);
    printf ("confusion (rows: expected, columns: predicted)\n%-20s", "");
    for (int b = 0; b < QS_INTENT_COUNT; b++)
        printf (" %6.6s", qs_intent_name (b));
    printf ("  recall\n");
    for (int a = 0; a < QS_INTENT_COUNT; a++) {
        int total = 0;
        printf ("%-20s", qs_intent_name (a));
        for (int b = 0; b < QS_INTENT_COUNT; b++) {
            printf (" %6d", confusion[a][b]);
            total += confusion[a][b];
        }
        printf ("  %.3f\n", total ? (double) confusion[a][a] / total : 0.0);
    }
    printf ("\nextraction field accuracy: %.3f (%ld/%ld)\n", facc, fields_right, fields);
    for (size_t k = 0; k < S_NFIELDS; k++)
        if (per_field[k][0])
            printf ("  %-18s %.3f (%ld/%ld)\n", s_fields[k],
                    (double) per_field[k][1] / (double) per_field[k][0], per_field[k][1],
                    per_field[k][0]);
    status = acc >= 0.95 && facc >= 0.95 ? 0 : 1;
    printf ("\ngoals (intent >= 0.95, fields >= 0.95): %s\n", status ? "NOT MET" : "met");
cleanup:
    fclose (f);
    qs_intent_classifier_destroy (&clf);
    json_object_put (pricing);
    json_object_put (context);
    return status;
}
