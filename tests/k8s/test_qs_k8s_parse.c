/*  qs_k8s_parse: real-shaped fixtures, quantities, and a fuzz-style pass
    feeding truncated and mutated objects (must neither crash nor leak). */
#include "../qs_test.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"
#include "qs_k8s_parse.h"

static char *
s_read (const char *name)
{
    char path[1024];
    const char *dir = getenv ("QS_K8S_FIXTURES");
    snprintf (path, sizeof path, "%s/%s", dir ? dir : "tests/k8s/fixtures", name);
    FILE *f = fopen (path, "rb");
    ck_assert_msg (f != NULL, "fixture %s", path);
    fseek (f, 0, SEEK_END);
    long n = ftell (f);
    fseek (f, 0, SEEK_SET);
    char *buf = malloc ((size_t) n + 1);
    ck_assert_ptr_nonnull (buf);
    ck_assert_int_eq ((long) fread (buf, 1, (size_t) n, f), n);
    buf[n] = '\0';
    fclose (f);
    return buf;
}

static json_object *
s_fixture (const char *name)
{
    char *text = s_read (name);
    const char *why;
    json_object *o = qs_json_parse (text, strlen (text), &why);
    ck_assert_msg (o != NULL, "%s: %s", name, why);
    free (text);
    return o;
}

START_TEST (test_quantities)
{
    double v;
    ck_assert_int_eq (qs_k8s_quantity_parse ("250m", &v), 0);
    ck_assert_double_eq_tol (v, 0.25, 1e-12);
    ck_assert_int_eq (qs_k8s_quantity_parse ("512Mi", &v), 0);
    ck_assert_double_eq (v, 512.0 * 1048576.0);
    ck_assert_int_eq (qs_k8s_quantity_parse ("1", &v), 0);
    ck_assert_double_eq (v, 1.0);
    ck_assert_int_eq (qs_k8s_quantity_parse ("0.5", &v), 0);
    ck_assert_double_eq (v, 0.5);
    ck_assert_int_eq (qs_k8s_quantity_parse ("2G", &v), 0);
    ck_assert_double_eq (v, 2e9);
    ck_assert_int_eq (qs_k8s_quantity_parse ("1.5Gi", &v), 0);
    ck_assert_double_eq (v, 1.5 * 1073741824.0);
    ck_assert_int_eq (qs_k8s_quantity_parse ("212345678n", &v), 0);
    ck_assert_double_eq_tol (v, 0.212345678, 1e-12);
    ck_assert_int_eq (qs_k8s_quantity_parse ("100u", &v), 0);
    ck_assert_double_eq_tol (v, 1e-4, 1e-15);
    ck_assert_int_eq (qs_k8s_quantity_parse ("128k", &v), 0);
    ck_assert_double_eq (v, 128000.0);
    ck_assert_int_eq (qs_k8s_quantity_parse ("251904Ki", &v), 0);
    ck_assert_double_eq (v, 251904.0 * 1024.0);
    ck_assert_int_eq (qs_k8s_quantity_parse ("1e3", &v), 0);
    ck_assert_double_eq (v, 1000.0);
    ck_assert_int_eq (qs_k8s_quantity_parse ("1E", &v), 0);     /* exa, not an exponent */
    ck_assert_double_eq (v, 1e18);
    ck_assert_int_eq (qs_k8s_quantity_parse ("1Ei", &v), 0);
    ck_assert_int_eq (qs_k8s_quantity_parse (".5", &v), 0);
    ck_assert_double_eq (v, 0.5);
    const char *bad[] = {"", "m", "Mi", "12x", "1.2.3", "1 Mi", "0x10", "inf", "nan", "--1",
                         "1e", "1e+", "5MiB", "1e99999", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg (qs_k8s_quantity_parse (bad[i], &v) == -1, "accepted '%s'", bad[i]);
    ck_assert_int_eq (qs_k8s_quantity_parse (NULL, &v), -1);
}
END_TEST

START_TEST (test_names)
{
    ck_assert (qs_k8s_name_valid ("cache-prod-0", false));
    ck_assert (qs_k8s_name_valid ("a.b-c", false));
    ck_assert (!qs_k8s_name_valid ("a.b", true));
    ck_assert (!qs_k8s_name_valid ("../etc", false));
    ck_assert (!qs_k8s_name_valid ("Cache", false));
    ck_assert (!qs_k8s_name_valid ("a/b", false));
    ck_assert (!qs_k8s_name_valid ("-a", false));
    ck_assert (!qs_k8s_name_valid ("a?x=1", false));
    ck_assert (!qs_k8s_name_valid ("", false));
    ck_assert (!qs_k8s_name_valid (NULL, true));
}
END_TEST

START_TEST (test_oomkilled_pod)
{
    json_object *pod = s_fixture ("pod_oomkilled.json");
    json_object *s = qs_k8s_pod_summary (pod);
    ck_assert_str_eq (qs_json_str (s, "name", ""), "cache-prod-0");
    ck_assert_str_eq (qs_json_str (s, "phase", ""), "Running");
    ck_assert_str_eq (qs_json_str (s, "node", ""), "node-pool-a-3");
    ck_assert (qs_json_bool (s, "ready", false));
    ck_assert_int_eq (qs_json_int (s, "restarts", 0), 4);
    ck_assert_str_eq (qs_json_str (qs_json_path (s, "owner"), "kind", ""), "StatefulSet");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (s, "conditions")), 4);
    json_object *c = qs_json_path (s, "containers.0");
    ck_assert_str_eq (qs_json_str (c, "name", ""), "redis");
    ck_assert_str_eq (qs_json_str (c, "image", ""), "docker.io/library/redis:7.2.4");
    ck_assert_int_eq (qs_json_int (c, "restartCount", 0), 4);
    ck_assert_str_eq (qs_json_str (qs_json_path (c, "state.running"), "startedAt", ""), "2026-11-24T04:51:31Z");
    json_object *t = qs_json_path (c, "lastState.terminated");
    ck_assert_str_eq (qs_json_str (t, "reason", ""), "OOMKilled");
    ck_assert_int_eq (qs_json_int (t, "exitCode", 0), 137);
    ck_assert_str_eq (qs_json_str (t, "finishedAt", ""), "2026-11-24T04:51:29Z");
    ck_assert_double_eq (qs_json_double (qs_json_path (c, "requests"), "cpu_millicores", 0), 250.0);
    ck_assert_int_eq (qs_json_int (qs_json_path (c, "limits"), "memory_bytes", 0), 256 * 1048576);
    ck_assert (qs_k8s_pod_unhealthy (s));          /* restarted */
    json_object_put (s);
    json_object_put (pod);
}
END_TEST

START_TEST (test_crashloop_pod)
{
    json_object *pod = s_fixture ("pod_crashloop.json");
    json_object *s = qs_k8s_pod_summary (pod);
    ck_assert (!qs_json_bool (s, "ready", true));
    ck_assert_int_eq (qs_json_int (s, "restarts", 0), 17);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (s, "containers")), 2);
    json_object *w = qs_json_path (s, "containers.0.state.waiting");
    ck_assert_str_eq (qs_json_str (w, "reason", ""), "CrashLoopBackOff");
    ck_assert_ptr_nonnull (strstr (qs_json_str (w, "message", ""), "back-off 5m0s"));
    ck_assert_int_eq (qs_json_int (qs_json_path (s, "containers.0.lastState.terminated"), "exitCode", 0), 1);
    ck_assert_double_eq (qs_json_double (qs_json_path (s, "containers.0.requests"), "cpu_millicores", 0), 1000.0);
    /* an empty lastState is left out */
    ck_assert_ptr_null (qs_json_path (s, "containers.1.lastState"));
    ck_assert_str_eq (qs_json_str (qs_json_path (s, "init_containers.0.state.terminated"), "reason", ""), "Completed");
    ck_assert_str_eq (qs_json_str (qs_json_path (s, "conditions.0"), "message", ""),
                      "containers with unready status: [rabbitmq]");
    ck_assert (qs_k8s_pod_unhealthy (s));
    json_object_put (s);
    json_object_put (pod);
}
END_TEST

START_TEST (test_pending_pods)
{
    json_object *pod = s_fixture ("pod_imagepull.json");
    json_object *s = qs_k8s_pod_summary (pod);
    ck_assert_str_eq (qs_json_str (s, "phase", ""), "Pending");
    ck_assert_str_eq (qs_json_str (qs_json_path (s, "containers.0.state.waiting"), "reason", ""), "ImagePullBackOff");
    ck_assert_int_eq (qs_json_int (qs_json_path (s, "containers.0.requests"), "memory_bytes", 0), 2000000000);
    json_object_put (s);
    json_object_put (pod);

    pod = s_fixture ("pod_unschedulable.json");
    s = qs_k8s_pod_summary (pod);
    /* no statuses yet: the container still shows, from the spec */
    json_object *c = qs_json_path (s, "containers.0");
    ck_assert_str_eq (qs_json_str (c, "name", ""), "postgres");
    ck_assert_str_eq (qs_json_str (c, "image", ""), "postgres:16.2");
    ck_assert (!qs_json_bool (c, "ready", true));
    ck_assert_ptr_null (qs_json_path (c, "state"));
    ck_assert_ptr_null (qs_json_path (s, "node"));
    ck_assert_str_eq (qs_json_str (qs_json_path (s, "conditions.0"), "reason", ""), "Unschedulable");
    ck_assert (qs_k8s_pod_unhealthy (s));
    json_object_put (s);
    json_object_put (pod);
}
END_TEST

START_TEST (test_pod_list)
{
    json_object *list = s_fixture ("podlist.json");
    json_object *s = qs_k8s_pods_summary (list);
    ck_assert_int_eq ((int) json_object_array_length (s), 2);
    json_object *p0 = json_object_array_get_idx (s, 0);
    ck_assert (!qs_k8s_pod_unhealthy (p0));
    ck_assert_str_eq (qs_json_str (qs_json_path (p0, "owner"), "kind", ""), "ReplicaSet");
    json_object *p1 = json_object_array_get_idx (s, 1);
    ck_assert_str_eq (qs_json_str (p1, "phase", ""), "Succeeded");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (p1, "containers")), 0);
    json_object_put (s);
    json_object_put (list);
}
END_TEST

START_TEST (test_events)
{
    json_object *list = s_fixture ("events.json");
    json_object *ev = qs_k8s_events_summary (list, 0);
    ck_assert_int_eq ((int) json_object_array_length (ev), 3);
    /* newest first */
    json_object *e0 = json_object_array_get_idx (ev, 0);
    ck_assert_str_eq (qs_json_str (e0, "reason", ""), "BackOff");
    ck_assert_int_eq (qs_json_int (e0, "count", 0), 212);
    ck_assert_str_eq (qs_json_str (e0, "type", ""), "Warning");
    ck_assert_str_eq (qs_json_str (e0, "object", ""), "broker-0");
    /* the events.k8s.io shape: note, series.count, eventTime */
    json_object *e1 = json_object_array_get_idx (ev, 1);
    ck_assert_str_eq (qs_json_str (e1, "reason", ""), "Unhealthy");
    ck_assert_str_eq (qs_json_str (e1, "message", ""), "Readiness probe failed: connection refused");
    ck_assert_int_eq (qs_json_int (e1, "count", 0), 9);
    ck_assert_str_eq (qs_json_str (e1, "lastTimestamp", ""), "2026-11-24T04:30:00.123456Z");
    json_object_put (ev);
    ev = qs_k8s_events_summary (list, 1);
    ck_assert_int_eq ((int) json_object_array_length (ev), 1);
    json_object_put (ev);
    json_object_put (list);
}
END_TEST

START_TEST (test_metrics)
{
    json_object *list = s_fixture ("podmetrics.json");
    json_object *m = qs_k8s_metrics_summary (list);
    ck_assert (qs_json_bool (m, "available", false));
    json_object *p0 = qs_json_path (m, "pods.0");
    ck_assert_str_eq (qs_json_str (p0, "name", ""), "cache-prod-0");
    ck_assert_double_eq_tol (qs_json_double (p0, "cpu_millicores", 0), 213.346, 0.001);
    ck_assert_int_eq (qs_json_int (p0, "memory_bytes", 0), 251904LL * 1024 + 8LL * 1048576);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (p0, "containers")), 2);
    /* a bad cpu quantity is left out, the memory still counts */
    json_object *p1 = qs_json_path (m, "pods.1");
    ck_assert_ptr_null (qs_json_get (p1, "cpu_millicores", json_type_double));
    ck_assert_int_eq (qs_json_int (p1, "memory_bytes", 0), (int64_t) (1.5 * 1073741824.0));
    json_object_put (m);
    json_object_put (list);
    /* NULL and junk are empty summaries, not crashes */
    m = qs_k8s_metrics_summary (NULL);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (m, "pods")), 0);
    json_object_put (m);
}
END_TEST

/* ---- fuzz ---- */

static uint32_t
s_rand (uint32_t *state)
{
    /* xorshift32: deterministic, so a failure reproduces */
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static json_object *
s_random_value (uint32_t *rng)
{
    static const char *strs[] = {"", "250m", "OOMKilled", "True", "Ready", "9999999999999999Ei",
                                 "\xff\xfe", "-1", "1e308", NULL};
    switch (s_rand (rng) % 9) {
        case 0: return NULL;
        case 1: return json_object_new_int64 ((int64_t) s_rand (rng) - 2147483648LL);
        case 2: return json_object_new_double (s_rand (rng) % 2 ? 1e300 : -0.5);
        case 3: return json_object_new_string (strs[s_rand (rng) % 9]);
        case 4: return json_object_new_boolean (s_rand (rng) % 2);
        case 5: return json_object_new_array ();
        case 6: return json_object_new_object ();
        case 7: {
            json_object *a = json_object_new_array ();
            json_object_array_add (a, json_object_new_string ("x"));
            json_object_array_add (a, NULL);
            return a;
        }
        default: return json_object_new_int64 (INT64_MAX);
    }
}

static void
s_mutate (json_object *o, uint32_t *rng, int depth)
{
    if (depth > 20)
        return;
    if (json_object_is_type (o, json_type_object)) {
        char *keys[64];
        int n = 0;
        json_object_object_foreach (o, k, v) {
            (void) v;
            if (n < 64)
                keys[n++] = strdup (k);
        }
        for (int i = 0; i < n; i++) {
            uint32_t r = s_rand (rng) % 20;
            if (r == 0)
                json_object_object_del (o, keys[i]);
            else if (r == 1)
                json_object_object_add (o, keys[i], s_random_value (rng));
            else {
                json_object *child;
                if (json_object_object_get_ex (o, keys[i], &child))
                    s_mutate (child, rng, depth + 1);
            }
            free (keys[i]);
        }
    }
    else if (json_object_is_type (o, json_type_array)) {
        size_t n = json_object_array_length (o);
        for (size_t i = 0; i < n; i++) {
            if (s_rand (rng) % 15 == 0)
                json_object_array_put_idx (o, i, s_random_value (rng));
            else
                s_mutate (json_object_array_get_idx (o, i), rng, depth + 1);
        }
    }
}

/*  Every entry point over one (possibly odd) object; the output must be
    serialisable. */
static void
s_summarise_all (json_object *o)
{
    json_object *outs[4];
    json_object *list = json_object_new_object ();
    json_object *items = json_object_new_array ();
    json_object_array_add (items, json_object_get (o));
    json_object_object_add (list, "items", items);
    outs[0] = qs_k8s_pod_summary (o);
    outs[1] = qs_k8s_pods_summary (json_object_is_type (o, json_type_object)
                                   && qs_json_get (o, "items", json_type_array) ? o : list);
    outs[2] = qs_k8s_events_summary (qs_json_get (o, "items", json_type_array) ? o : list, 5);
    outs[3] = qs_k8s_metrics_summary (qs_json_get (o, "items", json_type_array) ? o : list);
    (void) qs_k8s_pod_unhealthy (outs[0]);
    size_t n = json_object_array_length (outs[1]);
    for (size_t i = 0; i < n; i++)
        (void) qs_k8s_pod_unhealthy (json_object_array_get_idx (outs[1], i));
    for (int i = 0; i < 4; i++) {
        ck_assert_ptr_nonnull (outs[i]);
        ck_assert_ptr_nonnull (qs_json_text (outs[i]));
        json_object_put (outs[i]);
    }
    json_object_put (list);
}

START_TEST (test_fuzz_mutations)
{
    static const char *files[] = {"pod_oomkilled.json", "pod_crashloop.json", "pod_imagepull.json",
                                  "pod_unschedulable.json", "podlist.json", "events.json",
                                  "podmetrics.json", NULL};
    /* QS_FUZZ_ROUNDS / QS_FUZZ_SEED let a longer run explore more */
    const char *env_rounds = getenv ("QS_FUZZ_ROUNDS");
    const char *env_seed = getenv ("QS_FUZZ_SEED");
    int rounds = env_rounds ? atoi (env_rounds) : 300;
    uint32_t rng = env_seed ? (uint32_t) strtoul (env_seed, NULL, 0) : 0x9e3779b9u;
    if (rng == 0)
        rng = 1;
    for (int f = 0; files[f]; f++) {
        char *text = s_read (files[f]);
        size_t len = strlen (text);
        const char *why;
        /* structural mutations of parsed objects */
        for (int round = 0; round < rounds; round++) {
            json_object *o = qs_json_parse (text, len, &why);
            ck_assert_ptr_nonnull (o);
            s_mutate (o, &rng, 0);
            s_summarise_all (o);
            json_object_put (o);
        }
        /* byte-level: truncations and flipped bytes, summarised when they parse */
        char *buf = malloc (len + 1);
        ck_assert_ptr_nonnull (buf);
        for (int round = 0; round < rounds + rounds / 3; round++) {
            memcpy (buf, text, len + 1);
            size_t cut = len;
            if (round % 2 == 0)
                cut = s_rand (&rng) % (len + 1);
            else
                for (int k = 0; k < 3; k++)
                    buf[s_rand (&rng) % len] = (char) (s_rand (&rng) % 256);
            json_object *o = qs_json_parse (buf, cut, &why);
            s_summarise_all (o);
            json_object_put (o);
        }
        free (buf);
        free (text);
    }
    /* odd top-level values */
    const char *odd[] = {"null", "[]", "{}", "7", "\"pod\"", "{\"items\":{}}", "{\"items\":[null,1,[]]}",
                         "{\"metadata\":[],\"spec\":\"x\",\"status\":{\"containerStatuses\":{}}}",
                         "{\"status\":{\"containerStatuses\":[{\"name\":null,\"state\":{\"waiting\":[]}}]}}",
                         NULL};
    for (int i = 0; odd[i]; i++) {
        const char *why;
        json_object *o = qs_json_parse (odd[i], strlen (odd[i]), &why);
        s_summarise_all (o);
        json_object_put (o);
    }
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_k8s_parse");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 100);
    tcase_add_test (tc, test_quantities);
    tcase_add_test (tc, test_names);
    tcase_add_test (tc, test_oomkilled_pod);
    tcase_add_test (tc, test_crashloop_pod);
    tcase_add_test (tc, test_pending_pods);
    tcase_add_test (tc, test_pod_list);
    tcase_add_test (tc, test_events);
    tcase_add_test (tc, test_metrics);
    tcase_add_test (tc, test_fuzz_mutations);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
