/*  bench_dialogue - per-turn latency of a 3-turn conversation with the local
    engines (issue 17: goal p99 < 15 ms): a plan, an edit of it, and a
    follow-up that cancels it, through the turn engine with intent-svc's
    local engine in-process, the SQLite store and the sandbox platform on
    loopback. Usage: bench_dialogue [conversations] (default 200). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "turn_world.h"
#include "qs_json.h"

static double
s_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

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
    return v[i];
}

int
main (int argc, char **argv)
{
    int n = argc > 1 ? atoi (argv[1]) : 200;
    if (n < 1 || n > 100000)
        n = 200;
    static const char *turns[] = {"I need a postgres database for billing", "make it large and call it ledger-db",
                                  "never mind"};
    turn_world_t *w = turn_world_new ();
    if (!w)
        return 1;
    qs_auth_t auth;
    turn_world_auth (w, &auth, "bench", "org-acme", "member");
    double *ms[3];
    for (int k = 0; k < 3; k++)
        ms[k] = calloc ((size_t) n, sizeof (double));
    int errors = 0;
    for (int i = 0; i < n; i++) {
        char conv[64] = "";
        for (int k = 0; k < 3; k++) {
            int status = 0;
            double t0 = s_now_ms ();
            json_object *r = turn_world_chat (w, &auth, conv[0] ? conv : NULL, turns[k], &status);
            ms[k][i] = s_now_ms () - t0;
            if (status != 200)
                errors++;
            snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
            json_object_put (r);
        }
    }
    printf ("3-turn conversations: %d, errors: %d\n", n, errors);
    double worst50 = 0, worst99 = 0;
    for (int k = 0; k < 3; k++) {
        double p50 = s_pct (ms[k], n, 0.5), p99 = s_pct (ms[k], n, 0.99);
        printf ("turn %d %-40s p50 %6.2f ms  p99 %6.2f ms\n", k + 1, turns[k], p50, p99);
        worst50 = p50 > worst50 ? p50 : worst50;
        worst99 = p99 > worst99 ? p99 : worst99;
    }
    /* for scripts/bench.d: the slowest turn's p50 and p99 */
    printf ("worst-turn p50 %.2f p99 %.2f\n", worst50, worst99);
    for (int k = 0; k < 3; k++)
        free (ms[k]);
    turn_world_destroy (&w);
    return errors ? 1 : 0;
}
