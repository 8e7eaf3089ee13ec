/*  bench_curve - the cost of CURVE on the bus: round trips per second and
    latency percentiles of one client calling workflow.recommendations on an
    in-process broker and worker over loopback TCP, plain and with CURVE +
    ZAP + the broker-side JWT check (the integration path).
    Usage: bench_curve [calls]   (default 2000) */
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"
#include "qs_log.h"
#include "qs_secure_fixture.h"
#include "qs_util.h"
#include "quickspin-client.h"

static int
s_cmp (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

static int
s_run (const char *label, const qs_fix_keys_t *keys, int calls)
{
    qs_fix_broker_t bus;
    qs_fix_broker_start (&bus, keys);
    qs_fix_env_keys (keys, keys ? keys->worker_key : NULL);
    qs_worker_t *worker = qs_fix_worker_start (bus.endpoint, "workflow");
    if (qs_fix_wait_workers (&bus, keys, "workflow", 1, 5000) != 1) {
        fprintf (stderr, "bench_curve: no worker\n");
        return -1;
    }
    char *token = qs_fix_token ("bench", "org-bench", "viewer");
    qsc_config_t config = {
        .endpoint = bus.endpoint, .token = token, .timeout_ms = 5000,
        .server_public_key = keys ? keys->server.public_key : NULL,
        .public_key = keys ? keys->integration.public_key : NULL,
        .secret_key = keys ? keys->integration.secret_key : NULL,
    };
    qsc_error_t err;
    qsc_client_t *client = qsc_client_new (&config, &err);
    int64_t *lat = calloc ((size_t) calls, sizeof *lat);
    int failed = 0;
    for (int i = 0; i < 50; i++) {          /* warm up: handshake, first allocations */
        json_object *reply = NULL;
        qsc_recommendations (client, &reply, &err);
        json_object_put (reply);
    }
    int64_t t0 = qs_mono_ms ();
    struct timespec a, b;
    for (int i = 0; i < calls; i++) {
        json_object *reply = NULL;
        clock_gettime (CLOCK_MONOTONIC, &a);
        if (qsc_recommendations (client, &reply, &err) != 0)
            failed++;
        clock_gettime (CLOCK_MONOTONIC, &b);
        lat [i] = (b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
        json_object_put (reply);
    }
    int64_t took = qs_mono_ms () - t0;
    qsort (lat, (size_t) calls, sizeof *lat, s_cmp);
    printf ("%-7s calls=%d failed=%d round_trips_per_s=%.0f p50_us=%lld p99_us=%lld max_us=%lld\n",
            label, calls, failed, took > 0 ? calls * 1000.0 / (double) took : 0.0,
            (long long) lat [calls / 2], (long long) lat [(calls * 99) / 100],
            (long long) lat [calls - 1]);
    fflush (stdout);
    free (lat);
    qsc_client_destroy (&client);
    free (token);
    qs_worker_stop (worker, 500);
    qs_worker_destroy (&worker);
    qs_fix_broker_stop (&bus);
    return failed ? -1 : 0;
}

int
main (int argc, char *argv [])
{
    qs_log_init ("bench_curve");      /* honours QS_LOG_LEVEL */
    int calls = argc > 1 ? atoi (argv [1]) : 2000;
    if (calls < 10)
        calls = 10;
    qs_fix_keys_t keys;
    qs_fix_keys_make (&keys);
    int rc = s_run ("plain", NULL, calls);
    rc |= s_run ("curve", &keys, calls);
    qs_fix_keys_remove (&keys);
    return rc ? 1 : 0;
}
