/*  make bench: alert -> diagnosed incident latency with a real
    Alertmanager sending (issue 19 goal: p99 < 1 s after Alertmanager
    sends). N alerts (argv[1], default 40) for the sandbox's failing
    services, one at a time, each with a new alertname. Two numbers:
      receiver  from the alert reaching the workflow's receiver to its
                diagnosis stored (the workflow's log line, per incident);
                the gateway and broker hop before it is the ~1 ms of a
                bus round trip (make bench, area bus)
      fire      from this program's POST to Alertmanager's API to the
                diagnosis visible in GET /api/v1/incidents: an upper bound
                that also holds Alertmanager's group_wait (50 ms) and
                this program's 5 ms polling
    Prints "receiver p50 X p99 Y" and "fire p50 X p99 Y" (ms). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "qs_am.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_util.h"
#include <curl/curl.h>

static int
s_cmp (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double
s_pct (double *v, int n, double p)
{
    qsort (v, (size_t) n, sizeof *v, s_cmp);
    int i = (int) (p * (n - 1) + 0.5);
    return n ? v[i] : 0;
}

static bool
s_diagnosed (const char *gateway, const char *token, const char *alertname)
{
    json_object *resp = NULL;
    bool found = false;
    if (qs_harness_http ("GET", gateway, "/api/v1/incidents?status=firing&limit=20", token, NULL, &resp) == 200) {
        json_object *list = qs_json_get (resp, "incidents", json_type_array);
        for (size_t k = 0; list && k < json_object_array_length (list) && !found; k++) {
            json_object *inc = json_object_array_get_idx (list, k);
            found = !strcmp (qs_json_str (inc, "alertname", ""), alertname)
                    && qs_json_get (inc, "diagnosis", json_type_object);
        }
    }
    json_object_put (resp);
    return found;
}

int
main (int argc, char **argv)
{
    int n = argc > 1 ? atoi (argv[1]) : 40;
    if (n < 1 || n > 1000)
        n = 40;
    static const char *services[] = {"svc-acme-cache", "svc-acme-broker", "svc-acme-search",
                                     "svc-acme-analytics", "svc-acme-orders-db", "svc-acme-events",
                                     "svc-acme-users-db", "svc-acme-api-cache", "svc-acme-jobs"};
    qs_harness_t *suite = NULL;    /* the suite on loopback */
    qs_am_t am = {0};
    if (!qs_am_binary ()) {
        fprintf (stderr, "bench_alerts: prometheus-alertmanager is not installed\n");
        return 2;
    }
    curl_global_init (CURL_GLOBAL_DEFAULT);
    qs_harness_spec_t spec = qs_harness_whole ();
    if (!(suite = qs_harness_new (&spec))) {
        fprintf (stderr, "bench_alerts: the suite did not start\n");
        return 1;
    }
    char *token = qs_harness_token ("alertmanager", "org-acme", "member");
    int rc = 1;
    double *fire = calloc ((size_t) n, sizeof *fire), *recv = calloc ((size_t) n, sizeof *recv);
    int nfire = 0, nrecv = 0;
    if (qs_am_start (&am, qs_harness_gateway (suite), token) != 0) {
        fprintf (stderr, "bench_alerts: Alertmanager did not start\n");
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        char name[64], id[80];
        snprintf (name, sizeof name, "alertname=BenchAlert%d", i);
        snprintf (id, sizeof id, "quickspin_service_id=%s", services[i % 9]);
        const char *labels[] = {name, id, "severity=critical", NULL};
        int64_t t0 = qs_mono_ms ();
        if (qs_am_fire (&am, labels, "bench", 0) != 0)
            continue;
        while (qs_mono_ms () - t0 < 10000 && !s_diagnosed (qs_harness_gateway (suite), token, name + 10)) {
            struct timespec ts = {0, 5000000};
            nanosleep (&ts, NULL);
        }
        if (qs_mono_ms () - t0 < 10000)
            fire[nfire++] = (double) (qs_mono_ms () - t0);
    }
    char path[400];
    snprintf (path, sizeof path, "%s", qs_proc_log (qs_harness_proc (suite, "workflow")));
    FILE *f = fopen (path, "r");
    char line[2048];
    while (f && fgets (line, sizeof line, f) && nrecv < n) {
        const char *m = strstr (line, "ms, stored ");
        if (m)
            recv[nrecv++] = atof (m + 11);
    }
    if (f)
        fclose (f);
    printf ("alerts %d diagnosed %d\n", n, nfire);
    printf ("receiver p50 %.1f p99 %.1f\n", s_pct (recv, nrecv, 0.5), s_pct (recv, nrecv, 0.99));
    printf ("fire p50 %.1f p99 %.1f\n", s_pct (fire, nfire, 0.5), s_pct (fire, nfire, 0.99));
    rc = nfire == n && nrecv == n ? 0 : 1;
cleanup:
    qs_am_stop (&am);
    qs_harness_destroy (&suite);
    free (fire);
    free (recv);
    free (token);
    return rc;
}
