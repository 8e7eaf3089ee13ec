/*  bench_bus_ping - the bus round trip under concurrency: N threads, each
    with its own qs_client (the same client the gateway's dispatch path
    uses), call a service's built-in `ping` through the broker for a fixed
    time and report the latency distribution of the whole round trip
    client -> broker -> worker -> broker -> client.

    usage: bench_bus_ping ENDPOINT SERVICE THREADS SECONDS

    Prints a human line and a machine line:
      RESULT threads=32 calls=... errors=... rate=... p50_us=... p99_us=... max_us=...
    Exits 1 when it could not run (bad arguments, no answer at all). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "qs_client.h"
#include "qs_log.h"
#include "qs_util.h"

#define WARMUP_MS 300

typedef struct {
    const char *endpoint;
    const char *service;
    double end_us;              /* monotonic time to stop at */
    qs_client_t *client;        /* created by main, then used by this thread only (owned) */
    double *lat;                /* latencies in us (owned) */
    size_t n, cap;
    long errors;
    char first_error[640];
} s_thread_t;

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

static int
s_record (s_thread_t *t, double us)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        double *lat = realloc (t->lat, cap * sizeof *lat);
        if (!lat)
            return -1;
        t->lat = lat;
        t->cap = cap;
    }
    t->lat [t->n++] = us;
    return 0;
}

static void *
s_run (void *arg)
{
    s_thread_t *t = (s_thread_t *) arg;
    qs_client_t *client = t->client;
    double warm_until = s_now_us () + WARMUP_MS * 1e3;
    while (true) {
        double start = s_now_us ();
        if (start >= t->end_us)
            break;
        char rid [QS_ID_LEN + 1];
        if (qs_id_new (rid) != 0)
            break;
        qs_call_t call = {
            .service = t->service, .op = "ping", .request_id = rid,
            .deadline_ms = qs_now_ms () + 2000,
        };
        json_object *reply = NULL;
        qs_err_t err;
        qs_err_clear (&err);
        int status = qs_client_call (client, &call, &reply, &err, NULL, NULL);
        double took = s_now_us () - start;
        json_object_put (reply);
        if (start < warm_until)
            continue;            /* connection set-up and first dispatches */
        if (status < 200 || status > 299) {
            if (t->errors++ == 0)
                snprintf (t->first_error, sizeof t->first_error, "%d %s: %s",
                          err.status, err.code, err.message);
            continue;
        }
        if (s_record (t, took) != 0)
            break;
    }
    return NULL;
}

int
main (int argc, char **argv)
{
    if (argc != 5) {
        fprintf (stderr, "usage: bench_bus_ping ENDPOINT SERVICE THREADS SECONDS\n");
        return 1;
    }
    int nthreads = atoi (argv [3]);
    double seconds = atof (argv [4]);
    if (nthreads < 1 || nthreads > 1024 || seconds <= 0 || seconds > 600) {
        fprintf (stderr, "bench_bus_ping: THREADS in 1..1024, SECONDS in (0, 600]\n");
        return 1;
    }
    int rc = 1;
    s_thread_t *ts = calloc ((size_t) nthreads, sizeof *ts);
    pthread_t *tids = calloc ((size_t) nthreads, sizeof *tids);
    double *all = NULL;
    int started = 0;
    if (!ts || !tids)
        goto cleanup;
    //  The clients are made here, one after the other: czmq's first-use
    //  initialisation is not safe to race from several threads. Each is then
    //  handed to its thread (pthread_create is the memory barrier ZeroMQ asks
    //  for when a socket changes threads) and used by that thread only.
    for (int i = 0; i < nthreads; i++) {
        ts [i].client = qs_client_new (argv [1]);
        if (!ts [i].client) {
            fprintf (stderr, "bench_bus_ping: cannot make a client for %s\n", argv [1]);
            goto cleanup;
        }
    }
    double begin = s_now_us ();
    double end = begin + seconds * 1e6;
    for (int i = 0; i < nthreads; i++) {
        ts [i].endpoint = argv [1];
        ts [i].service = argv [2];
        ts [i].end_us = end;
        if (pthread_create (&tids [i], NULL, s_run, &ts [i]) != 0)
            break;
        started++;
    }
    size_t total = 0;
    long errors = 0;
    const char *first_error = NULL;
    for (int i = 0; i < started; i++) {
        pthread_join (tids [i], NULL);
        total += ts [i].n;
        errors += ts [i].errors;
        if (!first_error && ts [i].errors)
            first_error = ts [i].first_error;
    }
    double measured_s = (s_now_us () - begin) / 1e6 - WARMUP_MS / 1e3;
    if (total == 0) {
        fprintf (stderr, "bench_bus_ping: no successful ping (%ld errors%s%s)\n", errors,
                 first_error ? ", first: " : "", first_error ? first_error : "");
        goto cleanup;
    }
    all = malloc (total * sizeof *all);
    if (!all)
        goto cleanup;
    size_t at = 0;
    for (int i = 0; i < started; i++) {
        memcpy (all + at, ts [i].lat, ts [i].n * sizeof *all);
        at += ts [i].n;
    }
    qsort (all, total, sizeof *all, s_cmp);
    double p50 = all [(size_t) (0.50 * (double) (total - 1))];
    double p99 = all [(size_t) (0.99 * (double) (total - 1))];
    double max = all [total - 1];
    double rate = (double) total / (measured_s > 0 ? measured_s : 1);
    printf ("bus ping via %s, service %s: %d threads, %zu calls, %ld errors, %.0f calls/s, "
            "p50 %.0f us, p99 %.0f us, max %.0f us%s%s\n", argv [1], argv [2], started, total,
            errors, rate, p50, p99, max, first_error ? "; first error: " : "",
            first_error ? first_error : "");
    printf ("RESULT threads=%d calls=%zu errors=%ld rate=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
            started, total, errors, rate, p50, p99, max);
    rc = 0;
cleanup:
    for (int i = 0; ts && i < nthreads; i++) {
        qs_client_destroy (&ts [i].client);
        free (ts [i].lat);
    }
    free (all);
    free (ts);
    free (tids);
    return rc;
}
