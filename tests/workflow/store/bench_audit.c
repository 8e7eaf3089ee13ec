/*  bench_audit - the audit log's two numbers for `make bench`
    (scripts/bench.d/75-audit):

      bench_audit append URL N    two writer processes append N entries each
                                  for one org at once (qs_store_audit_append);
                                  prints entries/s over the wall time, then
                                  reads the org's log back through the
                                  repository and walks it (qs_chain_walk)
      bench_audit verify N        seals N entries in memory, then times
                                  qs_chain_walk over them

    Output: one line per number, "audit <what> ... <value> <unit>". Exit 1
    when an append failed or a chain did not verify. */
#include "qs_chain.h"
#include "qs_json.h"
#include "qs_store.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static json_object *
s_entry (int64_t i)
{
    json_object *e = json_object_new_object ();
    char summary[64];
    snprintf (summary, sizeof summary, "Scale cache-%lld to 3 replicas", (long long) i);
    qs_json_add_str (e, "actor", i % 2 ? "w1" : "w0");
    qs_json_add_str (e, "event", "proposed");
    qs_json_add_str (e, "type", "update_service");
    qs_json_add_str (e, "action_id", "AAAAAAAAAAAAAAAAAAAAAAAA");
    qs_json_add_str (e, "service_id", "svc-bench");
    qs_json_add_str (e, "summary", summary);
    json_object *d = json_object_new_object (), *cfg = json_object_new_object ();
    qs_json_add_int (cfg, "replicas", 3);
    qs_json_add_str (cfg, "tier", "medium");
    json_object_object_add (d, "config", cfg);
    json_object_object_add (e, "details", d);
    return e;
}

static int
s_writer (const char *url, int who, int n)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (url, &err);
    int failed = store ? 0 : n;
    for (int i = 0; store && i < n; i++) {
        json_object *in = s_entry (who);
        json_object *e = qs_store_audit_append (store, "org-bench", in, &err);
        if (!e && !failed++)
            fprintf (stderr, "writer %d: %s\n", who, err.message);
        json_object_put (e);
        json_object_put (in);
    }
    qs_store_destroy (&store);
    return failed ? 1 : 0;
}

static int
s_append (const char *url, int n)
{
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (url, &err);      /* migrate before the clock starts */
    if (!store) {
        fprintf (stderr, "bench_audit: %s\n", err.message);
        return 1;
    }
    qs_store_destroy (&store);
    int64_t t0 = qs_mono_ms ();
    pid_t kids[2];
    for (int k = 0; k < 2; k++)
        if ((kids[k] = fork ()) == 0)
            _exit (s_writer (url, k, n));
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        int status = 0;
        waitpid (kids[k], &status, 0);
        bad += !WIFEXITED (status) || WEXITSTATUS (status) != 0;
    }
    double s = (double) (qs_mono_ms () - t0) / 1000.0;
    printf ("audit append 2 writers %d entries each: %.0f entries/s (%.2f s)\n", n,
            2.0 * n / (s > 0 ? s : 0.001), s);
    //  read back through the repository and check the whole chain
    store = qs_store_new (url, &err);
    qs_chain_walk_t walk;
    qs_chain_walk_init (&walk, true);
    char cursor[128] = "";
    t0 = qs_mono_ms ();
    while (store) {
        json_object *page = qs_store_audit_list (store, "org-bench", NULL, 100, cursor, &err);
        json_object *entries = qs_json_get (page, "entries", json_type_array);
        for (size_t i = 0; entries && i < json_object_array_length (entries); i++)
            if (qs_chain_walk_next (&walk, json_object_array_get_idx (entries, i), &err) != 0) {
                fprintf (stderr, "bench_audit: %s\n", err.message);
                bad++;
                break;
            }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        qs_strlcpy (cursor, next ? next : "", sizeof cursor);
        json_object_put (page);
        if (!page || !*cursor || bad)
            break;
    }
    printf ("audit read+verify via the repository %lld entries: %lld ms\n", (long long) walk.checked,
            (long long) (qs_mono_ms () - t0));
    qs_store_destroy (&store);
    return bad || walk.checked != 2 * n ? 1 : 0;
}

static int
s_verify (int n)
{
    json_object **all = calloc ((size_t) n, sizeof *all);
    char prev[QS_CHAIN_HASH_LEN + 1] = "", hash[QS_CHAIN_HASH_LEN + 1];
    char at[40];
    qs_time_rfc3339 (qs_now_ms (), at, sizeof at);
    for (int i = 0; all && i < n; i++) {
        //  an entry as the repository seals it
        json_object *sealed = s_entry (i);
        qs_json_add_int (sealed, "seq", i + 1);
        qs_json_add_str (sealed, "at", at);
        qs_json_add_str (sealed, "org_id", "org-bench");
        qs_json_add_str (sealed, "prev_hash", prev);
        if (qs_chain_hash (sealed, hash, NULL) != 0)
            return 1;
        qs_json_add_str (sealed, "hash", hash);
        memcpy (prev, hash, sizeof prev);
        all[i] = sealed;
    }
    qs_chain_walk_t walk;
    qs_chain_walk_init (&walk, true);
    qs_err_t err = {0};
    int64_t t0 = qs_mono_ms ();
    int rc = 0;
    for (int i = 0; all && i < n && rc == 0; i++)
        rc = qs_chain_walk_next (&walk, all[i], &err);
    int64_t ms = qs_mono_ms () - t0;
    printf ("audit verify %d entries in memory: %lld ms (%.1f us/entry)\n", n, (long long) ms,
            n ? 1000.0 * (double) ms / n : 0.0);
    if (rc != 0)
        fprintf (stderr, "bench_audit: %s\n", err.message);
    for (int i = 0; all && i < n; i++)
        json_object_put (all[i]);
    free (all);
    return rc == 0 && walk.checked == n ? 0 : 1;
}

int
main (int argc, char **argv)
{
    if (argc == 4 && !strcmp (argv[1], "append"))
        return s_append (argv[2], atoi (argv[3]));
    if (argc == 3 && !strcmp (argv[1], "verify"))
        return s_verify (atoi (argv[2]));
    fprintf (stderr, "usage: bench_audit append URL N | bench_audit verify N\n");
    return 2;
}
