/*  qs_kb_fusion - see qs_kb_fusion.h */
#include "qs_kb_fusion.h"
#include <stdlib.h>
#include <string.h>
#include "qs_kb_text.h"

static const char *s_engines[] = {
    "redis", "rabbitmq", "postgresql", "mongodb", "mysql", "kafka", "elasticsearch", NULL
};

static int
s_topic_token (const char *tok, size_t len, void *arg)
{
    qs_kb_topics_t *t = arg;
    (void) len;
    for (int i = 0; s_engines[i]; i++)
        if (strcmp (tok, s_engines[i]) == 0)
            t->named[i] = t->any = true;
    return 0;
}

/*  A query that names an engine ("redis too many connections") is about that
    engine: its pages get a bonus in the fusion, softer than a filter.
    Platform pages (pricing, Kubernetes failures) apply to every engine. */
bool
qs_kb_fusion_names (const qs_kb_topics_t *t, const char *topic)
{
    if (strcmp (topic, "platform") == 0)
        return true;
    for (int i = 0; s_engines[i]; i++)
        if (t->named[i] && strcmp (topic, s_engines[i]) == 0)
            return true;
    return false;
}

void
qs_kb_fusion_add (qs_kb_fused_t *fused, int *n_fused, const qs_kb_scored_t *list, int n,
                  double weight)
{
    for (int r = 0; r < n; r++) {
        double s = weight / (QS_KB_RRF_K + r + 1);
        int i;
        for (i = 0; i < *n_fused; i++)
            if (fused[i].chunk == list[r].chunk)
                break;
        if (i == *n_fused)
            fused[(*n_fused)++] = (qs_kb_fused_t) { list[r].chunk, 0 };
        fused[i].score += s;
    }
}

static int
s_cmp_fused (const void *a, const void *b)
{
    const qs_kb_fused_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

void
qs_kb_fusion_sort (qs_kb_fused_t *fused, int n)
{
    qsort (fused, (size_t) n, sizeof *fused, s_cmp_fused);
}

void
qs_kb_fusion_topics (const char *q, qs_kb_topics_t *topics)
{
    memset (topics, 0, sizeof *topics);
    qs_kb_text_tokens (q, s_topic_token, topics);
}
