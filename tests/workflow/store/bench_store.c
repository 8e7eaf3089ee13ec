/*  bench_store - store throughput and latency for one backend.

    QS_BENCH_STORE_URL   store URL (default: a new SQLite file under /tmp)
    QS_BENCH_CONVS       conversations to create (default 10000)
    QS_BENCH_MSGS        messages per conversation, first included (default 20)
    QS_BENCH_QUERIES     list and get queries to time (default 1000)

    Conversations are spread over 100 users of one org. Prints one line:
    backend, appends/s, list p50/p99 (ms), get-with-messages p50/p99 (ms). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_store.h"
#include "qs_util.h"

#define USERS 100

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long
s_env (const char *name, long def)
{
    const char *v = getenv (name);
    long n = v ? strtol (v, NULL, 10) : def;
    return n > 0 ? n : def;
}

static int
s_cmp (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double
s_pct (double *v, long n, double p)
{
    qsort (v, (size_t) n, sizeof *v, s_cmp);
    long i = (long) (p * (double) (n - 1) + 0.5);
    return v[i];
}

static json_object *
s_msg (const char *role, const char *content)
{
    json_object *m = json_object_new_object ();
    qs_json_add_str (m, "role", role);
    qs_json_add_str (m, "content", content);
    return m;
}

int
main (void)
{
    long convs = s_env ("QS_BENCH_CONVS", 10000);
    long msgs = s_env ("QS_BENCH_MSGS", 20);
    long queries = s_env ("QS_BENCH_QUERIES", 1000);
    char url[512], path[256] = "";
    const char *env_url = getenv ("QS_BENCH_STORE_URL");
    if (env_url && *env_url && strcmp (env_url, "sqlite") != 0)
        qs_strlcpy (url, env_url, sizeof url);
    else {
        snprintf (path, sizeof path, "/tmp/qs_bench_%d.db", (int) getpid ());
        snprintf (url, sizeof url, "sqlite://%s", path);
    }
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (url, &err);
    if (!store) {
        fprintf (stderr, "bench_store: cannot open the store: %s\n", err.message);
        return 1;
    }
    char (*ids)[QS_ID_LEN + 1] = calloc ((size_t) convs, sizeof *ids);
    double *lat = calloc ((size_t) queries, sizeof *lat);
    int rc = 1;
    if (!ids || !lat)
        goto cleanup;

    json_object *first = s_msg ("user", "How do I provision a redis cache for staging?");
    json_object *reply = s_msg ("assistant", "Here is a plan: redis, small tier, one replica, "
                                "no HA, backups off. Shall I go ahead?");
    double t0 = s_now ();
    for (long i = 0; i < convs; i++) {
        char user[16];
        snprintf (user, sizeof user, "u%ld", i % USERS);
        json_object *c = qs_store_conversation_create (store, "bench", user, first, &err);
        if (!c) {
            fprintf (stderr, "bench_store: create: %s\n", err.message);
            goto cleanup_msgs;
        }
        qs_strlcpy (ids[i], qs_json_str (c, "id", ""), QS_ID_LEN + 1);
        json_object_put (c);
        for (long k = 1; k < msgs; k++) {
            json_object *m = qs_store_message_append (store, "bench", user, ids[i],
                                                      k % 2 ? reply : first, &err);
            if (!m) {
                fprintf (stderr, "bench_store: append: %s\n", err.message);
                goto cleanup_msgs;
            }
            json_object_put (m);
        }
    }
    double append_rate = (double) (convs * msgs) / ((s_now () - t0) / 1e3);

    srand (42);
    for (long q = 0; q < queries; q++) {
        char user[16];
        snprintf (user, sizeof user, "u%d", rand () % USERS);
        double s = s_now ();
        json_object *page = qs_store_conversation_list (store, "bench", user, 20, NULL, &err);
        const char *next = qs_json_str (page, "next_cursor", NULL);
        json_object *page2 = next ? qs_store_conversation_list (store, "bench", user, 20, next, &err) : NULL;
        lat[q] = (s_now () - s) / (next ? 2 : 1);
        json_object_put (page);
        json_object_put (page2);
    }
    double list50 = s_pct (lat, queries, 0.50), list99 = s_pct (lat, queries, 0.99);

    for (long q = 0; q < queries; q++) {
        long i = rand () % convs;
        char user[16];
        snprintf (user, sizeof user, "u%ld", i % USERS);
        double s = s_now ();
        json_object *c = qs_store_conversation_get (store, "bench", user, ids[i], &err);
        json_object *m = qs_store_message_list (store, "bench", user, ids[i], 200, NULL, &err);
        lat[q] = s_now () - s;
        if (!c || !m)
            fprintf (stderr, "bench_store: get: %s\n", err.message);
        json_object_put (c);
        json_object_put (m);
    }
    double get50 = s_pct (lat, queries, 0.50), get99 = s_pct (lat, queries, 0.99);

    printf ("%-8s %6ld conv x %3ld msg   appends/s %9.0f   list p50 %7.3f ms p99 %7.3f ms"
            "   get p50 %7.3f ms p99 %7.3f ms\n", qs_store_backend (store), convs, msgs,
            append_rate, list50, list99, get50, get99);
    rc = 0;
cleanup_msgs:
    json_object_put (first);
    json_object_put (reply);
cleanup:
    free (ids);
    free (lat);
    qs_store_destroy (&store);
    if (path[0]) {
        char extra[300];
        unlink (path);
        snprintf (extra, sizeof extra, "%s-wal", path);
        unlink (extra);
        snprintf (extra, sizeof extra, "%s-shm", path);
        unlink (extra);
    }
    return rc;
}
