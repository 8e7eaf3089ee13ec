/*  intent-bench - latency of the local engine (make bench):
      intent-bench [ITERATIONS]
    Prints p50/p99/max of classify (without and with history, with a
    dialogue summary) and extract (without and with services and a
    dialogue) in microseconds. The goal is classify p99 < 1 ms; this program reports,
    it does not assert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "qs_intent_classify.h"
#include "qs_intent_dialogue.h"
#include "qs_intent_extract.h"
#include "qs_json.h"

static const char *s_messages[] = {
    "create a medium postgres 16 called ledger in eu-west-1 with backups",
    "why does my redis keep getting OOMKilled",
    "how can I cut my monthly bill",
    "what's the connection string for orders-db",
    "list my services",
    "what is the difference between kafka and rabbitmq",
    "hi",
    "my elasticsearch cluster is red and queries time out after 30 seconds, the pods were "
    "restarted twice this morning and I see CrashLoopBackOff in the events; what should I do",
};
#define S_NMSG (sizeof s_messages / sizeof s_messages[0])

static double
s_now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int
s_cmp (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void
s_report (const char *what, double *t, size_t n)
{
    qsort (t, n, sizeof *t, s_cmp);
    printf ("%-28s n=%zu p50=%.1fus p99=%.1fus max=%.1fus\n", what, n, t[n / 2],
            t[(size_t) ((double) n * 0.99)], t[n - 1]);
}

int
main (int argc, char **argv)
{
    size_t iters = argc > 1 ? (size_t) strtoul (argv[1], NULL, 10) : 2000;
    if (iters < 10)
        iters = 10;
    size_t n = iters * S_NMSG;
    double *t = malloc (sizeof *t * n);
    qs_intent_classifier_t *clf = qs_intent_classifier_new ();
    const char *why;
    const char *h = "[{\"role\":\"user\",\"content\":\"show me my redis services\"},"
                    "{\"role\":\"assistant\",\"content\":\"cart-cache is running\"},"
                    "{\"role\":\"user\",\"content\":\"and the staging one?\"},"
                    "{\"role\":\"assistant\",\"content\":\"cart-cache-stg is stopped\"}]";
    json_object *history = qs_json_parse (h, strlen (h), &why);
    const char *p = "{\"tiers\":{\"nano\":{\"memory_mb\":256},\"small\":{\"memory_mb\":1024},"
                    "\"large\":{\"memory_mb\":4096}}}";
    json_object *pricing = qs_json_parse (p, strlen (p), &why);
    const char *d = "{\"subject\":[{\"id\":\"s1\",\"name\":\"orders-db\",\"service_type\":"
                    "\"postgresql\"}],\"pending\":{\"action_type\":\"provision_service\","
                    "\"config\":{\"service_type\":\"redis\"}},\"last_kind\":\"troubleshoot\","
                    "\"last_list\":{\"kind\":\"recommendations\",\"items\":[{\"id\":\"r1\","
                    "\"service_id\":\"s1\",\"service_name\":\"orders-db\"}]}}";
    json_object *dialogue = qs_json_parse (d, strlen (d), &why);
    const char *o = "[{\"id\":\"s1\",\"name\":\"orders-db\",\"service_type\":\"postgresql\"},"
                    "{\"id\":\"s2\",\"name\":\"cart-cache\",\"service_type\":\"redis\"},"
                    "{\"id\":\"s3\",\"name\":\"events-stream\",\"service_type\":\"kafka\"}]";
    json_object *services = qs_json_parse (o, strlen (o), &why);
    int status = 1;
    if (!t || !clf || !history || !pricing || !dialogue || !services)
        goto cleanup;
    qs_intent_result_t r;
    /* warm caches so the first calls don't count */
    for (size_t i = 0; i < 100; i++)
        qs_intent_classify (clf, s_messages[i % S_NMSG], NULL, &r);

    for (size_t i = 0; i < n; i++) {
        double t0 = s_now_us ();
        qs_intent_classify (clf, s_messages[i % S_NMSG], NULL, &r);
        t[i] = s_now_us () - t0;
    }
    s_report ("classify", t, n);
    double p99 = t[(size_t) ((double) n * 0.99)];

    for (size_t i = 0; i < n; i++) {
        double t0 = s_now_us ();
        qs_intent_classify (clf, s_messages[i % S_NMSG], history, &r);
        t[i] = s_now_us () - t0;
    }
    s_report ("classify (2-turn history)", t, n);

    for (size_t i = 0; i < n; i++) {
        double t0 = s_now_us ();
        qs_intent_classify_dialogue (clf, s_messages[i % S_NMSG], history, dialogue, &r);
        t[i] = s_now_us () - t0;
    }
    s_report ("classify (history+dialogue)", t, n);

    for (size_t i = 0; i < n; i++) {
        double t0 = s_now_us ();
        json_object *x = qs_intent_extract (s_messages[i % S_NMSG], pricing, NULL);
        t[i] = s_now_us () - t0;
        json_object_put (x);
    }
    s_report ("extract", t, n);

    qs_intent_extract_in_t in = { pricing, NULL, services, dialogue };
    for (size_t i = 0; i < n; i++) {
        double t0 = s_now_us ();
        json_object *x = qs_intent_extract_with (s_messages[i % S_NMSG], &in);
        t[i] = s_now_us () - t0;
        json_object_put (x);
    }
    s_report ("extract (services+dialogue)", t, n);
    printf ("goal classify p99 < 1000us: %s\n", p99 < 1000.0 ? "met" : "NOT MET");
    status = 0;
cleanup:
    free (t);
    json_object_put (history);
    json_object_put (pricing);
    json_object_put (dialogue);
    json_object_put (services);
    qs_intent_classifier_destroy (&clf);
    return status;
}
