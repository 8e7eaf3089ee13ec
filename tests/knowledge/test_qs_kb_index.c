#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_kb_index.h"

/*  Index a page of org ("" = built-in). */
static void
s_put_org (qs_kb_index_t *ix, const char *org, const char *id, const char *title,
           const char *topic, const char *category, const char *content)
{
    qs_kb_page_t page;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_page_set (&page, id, title, topic, category, content, &err), 0);
    snprintf (page.org_id, sizeof page.org_id, "%s", org);
    ck_assert_int_eq (qs_kb_index_put (ix, &page, &err), 0);
    qs_kb_page_clear (&page);
}

static void
s_put (qs_kb_index_t *ix, const char *id, const char *title, const char *topic,
       const char *category, const char *content)
{
    s_put_org (ix, "", id, title, topic, category, content);
}

static qs_kb_index_t *
s_fixture (void)
{
    qs_kb_index_t *ix = qs_kb_index_new ();
    ck_assert_ptr_nonnull (ix);
    s_put (ix, "redis-oom", "Redis out of memory", "redis", "common_issues",
           "## Symptom\nWrites fail with OOM command not allowed.\n"
           "## Fix\nSet maxmemory-policy to allkeys-lru.\n"
           "## More\nEviction keeps memory bounded; memory memory memory.\n");
    s_put (ix, "redis-setup", "Redis setup", "redis", "setup",
           "Connect with redis-py over TLS. The maxmemory setting follows the tier.\n");
    s_put (ix, "pg-clients", "PostgreSQL too many clients", "postgresql", "common_issues",
           "FATAL: sorry, too many clients already. Use a pooler such as PgBouncer.\n");
    s_put (ix, "kafka-lag", "Kafka consumer lag", "kafka", "common_issues",
           "Lag grows when consumers are slower than producers. Add partitions.\n");
    s_put (ix, "pricing", "Pricing and tiers", "platform", "setup",
           "Monthly cost is hourly price times 730 hours times replicas.\n");
    qs_kb_index_reembed (ix);
    return ix;
}

static int
s_search (qs_kb_index_t *ix, const char *q, const char *category, const char *topic,
          qs_kb_mode_t mode, qs_kb_hit_t *hits, int max)
{
    qs_err_t err;
    qs_kb_query_t query = { .q = q, .category = category, .topic = topic, .limit = max,
                            .mode = mode };
    return qs_kb_index_search (ix, &query, hits, max, &err);
}

START_TEST (test_finds_the_right_page)
{
    qs_kb_index_t *ix = s_fixture ();
    qs_kb_hit_t hits[5];
    int n = s_search (ix, "sorry, too many clients already", NULL, NULL, QS_KB_HYBRID, hits, 5);
    ck_assert_int_ge (n, 1);
    ck_assert_str_eq (hits[0].id, "pg-clients");
    ck_assert_str_eq (hits[0].topic, "postgresql");
    ck_assert_str_eq (hits[0].category, "common_issues");
    ck_assert (hits[0].score > 0 && hits[0].score <= 1.0);
    ck_assert_msg (strstr (hits[0].snippet, "too many clients") != NULL, "%s", hits[0].snippet);
    for (int i = 1; i < n; i++)
        ck_assert (hits[i].score <= hits[i - 1].score);
    /*  every mode answers the obvious query */
    ck_assert_int_ge (s_search (ix, "consumer lag", NULL, NULL, QS_KB_LEXICAL, hits, 5), 1);
    ck_assert_str_eq (hits[0].id, "kafka-lag");
    ck_assert_int_ge (s_search (ix, "consumer lag", NULL, NULL, QS_KB_VECTOR, hits, 5), 1);
    ck_assert_str_eq (hits[0].id, "kafka-lag");
    /*  a typo still lands through the sub-word vectors */
    ck_assert_int_ge (s_search (ix, "consumr lagg", NULL, NULL, QS_KB_HYBRID, hits, 5), 1);
    ck_assert_str_eq (hits[0].id, "kafka-lag");
    qs_kb_index_destroy (&ix);
    ck_assert_ptr_null (ix);
}
END_TEST

START_TEST (test_one_result_per_page)
{
    qs_kb_index_t *ix = s_fixture ();
    qs_kb_hit_t hits[10];
    int n = s_search (ix, "memory maxmemory eviction", NULL, NULL, QS_KB_HYBRID, hits, 10);
    ck_assert_int_ge (n, 2);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            ck_assert_str_ne (hits[i].id, hits[j].id);
    ck_assert_str_eq (hits[0].id, "redis-oom");
    ck_assert_int_eq ((int) qs_kb_index_chunks (ix), 7);
    ck_assert_int_eq ((int) qs_kb_index_pages (ix), 5);
    qs_kb_index_destroy (&ix);
}
END_TEST

START_TEST (test_filters)
{
    qs_kb_index_t *ix = s_fixture ();
    qs_kb_hit_t hits[10];
    int n = s_search (ix, "maxmemory", "setup", NULL, QS_KB_HYBRID, hits, 10);
    ck_assert_int_ge (n, 1);
    for (int i = 0; i < n; i++)
        ck_assert_str_eq (hits[i].category, "setup");
    ck_assert_str_eq (hits[0].id, "redis-setup");
    n = s_search (ix, "too many clients", NULL, "kafka", QS_KB_HYBRID, hits, 10);
    for (int i = 0; i < n; i++)
        ck_assert_str_eq (hits[i].topic, "kafka");
    n = s_search (ix, "maxmemory", "setup", "postgresql", QS_KB_HYBRID, hits, 10);
    ck_assert_int_eq (n, 0);
    qs_kb_index_destroy (&ix);
}
END_TEST

START_TEST (test_fusion_prefers_agreement)
{
    qs_kb_index_t *ix = s_fixture ();
    qs_kb_hit_t lex[5], vec[5], hyb[5];
    int nl = s_search (ix, "monthly cost hours", NULL, NULL, QS_KB_LEXICAL, lex, 5);
    int nv = s_search (ix, "monthly cost hours", NULL, NULL, QS_KB_VECTOR, vec, 5);
    int nh = s_search (ix, "monthly cost hours", NULL, NULL, QS_KB_HYBRID, hyb, 5);
    ck_assert (nl >= 1 && nv >= 1 && nh >= 1);
    ck_assert_str_eq (lex[0].id, "pricing");
    ck_assert_str_eq (vec[0].id, "pricing");
    ck_assert_str_eq (hyb[0].id, "pricing");
    /*  first in both rankings is the best possible fused score */
    ck_assert_double_eq_tol (hyb[0].score, 1.0, 1e-9);
    qs_kb_index_destroy (&ix);
}
END_TEST

START_TEST (test_replace_and_remove)
{
    qs_kb_index_t *ix = s_fixture ();
    qs_kb_hit_t hits[5];
    s_put (ix, "kafka-lag", "Kafka rebalancing", "kafka", "common_issues",
           "Rebalance storms happen when max.poll.interval.ms is exceeded.\n");
    ck_assert_int_eq ((int) qs_kb_index_pages (ix), 5);
    int n = s_search (ix, "rebalance storms", NULL, NULL, QS_KB_LEXICAL, hits, 5);
    ck_assert_int_eq (n, 1);
    ck_assert_str_eq (hits[0].title, "Kafka rebalancing");
    ck_assert_int_eq (s_search (ix, "slower than producers", NULL, NULL, QS_KB_LEXICAL, hits, 5), 0);
    ck_assert_int_eq (qs_kb_index_remove (ix, "kafka-lag"), 0);
    ck_assert_int_eq (qs_kb_index_remove (ix, "kafka-lag"), -1);
    ck_assert (!qs_kb_index_has (ix, "kafka-lag"));
    n = s_search (ix, "rebalance storms", NULL, NULL, QS_KB_HYBRID, hits, 5);
    for (int i = 0; i < n; i++)
        ck_assert_str_ne (hits[i].id, "kafka-lag");
    ck_assert_int_eq (s_search (ix, "rebalance storms", NULL, NULL, QS_KB_LEXICAL, hits, 5), 0);
    /*  many pages: the id table grows and old ids stay findable */
    char id[32];
    for (int i = 0; i < 600; i++) {
        snprintf (id, sizeof id, "gen-%d", i);
        s_put (ix, id, "Generated", "platform", "setup", "filler text");
    }
    ck_assert (qs_kb_index_has (ix, "gen-7"));
    ck_assert (qs_kb_index_has (ix, "redis-oom"));
    ck_assert_int_gt ((int) qs_kb_index_memory (ix), 0);
    qs_kb_index_destroy (&ix);
}
END_TEST

/*  Past a thousand chunks vector search scans 8-bit columns and re-scores:
    it must agree with the exact scan and still honour filters. */
START_TEST (test_approximate_scan_agrees)
{
    qs_kb_index_t *ix = qs_kb_index_new ();
    static const char *words[] = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                   "golf", "hotel", "india", "juliet", "kilo", "lima" };
    char id[32], body[256];
    qs_kb_index_bulk_begin (ix);
    for (int i = 0; i < 1500; i++) {
        snprintf (id, sizeof id, "p%d", i);
        snprintf (body, sizeof body, "%s %s %s item%d", words[i % 12], words[(i / 12) % 12],
                  words[(i * 7) % 12], i);
        s_put (ix, id, "Generated", i % 2 ? "kafka" : "redis", "setup", body);
    }
    qs_kb_index_bulk_end (ix);
    ck_assert_int_eq ((int) qs_kb_index_chunks (ix), 1500);
    const char *queries[] = { "alpha bravo item42", "golf hotel", "lima kilo juliet item1499" };
    for (int i = 0; i < 3; i++) {
        qs_kb_hit_t a[10], e[10];
        qs_err_t err;
        qs_kb_query_t q = { .q = queries[i], .limit = 10, .mode = QS_KB_VECTOR };
        int na = qs_kb_index_search (ix, &q, a, 10, &err);
        q.exact = true;
        int ne = qs_kb_index_search (ix, &q, e, 10, &err);
        ck_assert_int_eq (na, 10);
        ck_assert_int_eq (ne, 10);
        ck_assert_str_eq (a[0].id, e[0].id);
        q.exact = false;
        q.topic = "kafka";
        na = qs_kb_index_search (ix, &q, a, 10, &err);
        ck_assert_int_eq (na, 10);
        for (int j = 0; j < na; j++)
            ck_assert_str_eq (a[j].topic, "kafka");
    }
    qs_kb_hit_t h[1];
    qs_err_t err;
    qs_kb_query_t q = { .q = "item1499", .limit = 1, .mode = QS_KB_HYBRID };
    ck_assert_int_eq (qs_kb_index_search (ix, &q, h, 1, &err), 1);
    ck_assert_str_eq (h[0].id, "p1499");
    qs_kb_index_destroy (&ix);
}
END_TEST

static int
s_search_org (qs_kb_index_t *ix, const char *org, const char *q, qs_kb_mode_t mode,
              qs_kb_hit_t *hits, int max)
{
    qs_err_t err;
    qs_kb_query_t query = { .q = q, .org_id = org, .limit = max, .mode = mode };
    return qs_kb_index_search (ix, &query, hits, max, &err);
}

static bool
s_has_hit (const qs_kb_hit_t *hits, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp (hits[i].id, id) == 0)
            return true;
    return false;
}

/*  An org sees the built-in pages and its own pages; nobody else's, in any
    ranking, and another org's pages never crowd its results out. */
START_TEST (test_org_scoping)
{
    qs_kb_index_t *ix = s_fixture ();
    s_put_org (ix, "org-a", "a-doc", "Zorblax rotation", "platform", "best_practices",
               "Rotate the zorblax keys of our clusters every week.\n");
    /*  org-b writes more matching chunks than any ranking keeps as candidates,
        enough for the 8-bit vector scan too */
    char id[32];
    qs_kb_index_bulk_begin (ix);
    for (int i = 0; i < 1100; i++) {
        snprintf (id, sizeof id, "b-doc-%d", i);
        s_put_org (ix, "org-b", id, "Zorblax rotation zorblax", "platform", "best_practices",
                   "Zorblax keys: rotate zorblax keys, zorblax zorblax rotation keys.\n");
    }
    qs_kb_index_bulk_end (ix);
    qs_kb_mode_t modes[] = { QS_KB_HYBRID, QS_KB_LEXICAL, QS_KB_VECTOR };
    for (int m = 0; m < 3; m++) {
        qs_kb_hit_t hits[20];
        int n = s_search_org (ix, "org-a", "rotate zorblax keys", modes[m], hits, 20);
        /*  (with org-b's pages in the shared term statistics, zorblax
            weighs little in the vectors: present, not necessarily first) */
        ck_assert_msg (s_has_hit (hits, n, "a-doc"), "mode %d: %d hits, no a-doc", m, n);
        if (modes[m] == QS_KB_LEXICAL)
            ck_assert_str_eq (hits[0].id, "a-doc");
        for (int i = 0; i < n; i++)
            ck_assert_msg (strncmp (hits[i].id, "b-doc-", 6) != 0, "org-a sees %s", hits[i].id);
        n = s_search_org (ix, "org-b", "rotate zorblax keys", modes[m], hits, 20);
        ck_assert_int_eq (n, 20);
        ck_assert (!s_has_hit (hits, n, "a-doc"));
        /*  no org: the built-in pages only */
        n = s_search_org (ix, NULL, "rotate zorblax keys", modes[m], hits, 20);
        for (int i = 0; i < n; i++)
            ck_assert (strcmp (hits[i].id, "a-doc") != 0 && strncmp (hits[i].id, "b-doc-", 6) != 0);
        ck_assert_int_eq (s_search_org (ix, "", "rotate zorblax keys", modes[m], hits, 20), n);
    }
    /*  built-in pages stay visible to every org, ranked as before */
    qs_kb_hit_t a[5], none[5];
    int na = s_search_org (ix, "org-a", "sorry, too many clients already", QS_KB_HYBRID, a, 5);
    int nn = s_search_org (ix, NULL, "sorry, too many clients already", QS_KB_HYBRID, none, 5);
    ck_assert_int_ge (na, 1);
    ck_assert_int_ge (nn, 1);
    ck_assert_str_eq (a[0].id, "pg-clients");
    ck_assert_str_eq (none[0].id, "pg-clients");
    ck_assert_double_eq_tol (a[0].score, none[0].score, 1e-9);
    /*  owners, and removal only by the owner */
    char org[128];
    ck_assert_int_eq (qs_kb_index_owner (ix, "a-doc", org, sizeof org), 0);
    ck_assert_str_eq (org, "org-a");
    ck_assert_int_eq (qs_kb_index_owner (ix, "pg-clients", org, sizeof org), 0);
    ck_assert_str_eq (org, "");
    ck_assert_int_eq (qs_kb_index_owner (ix, "no-such", org, sizeof org), -1);
    ck_assert_int_eq (qs_kb_index_remove_owned (ix, "a-doc", "org-b"), -1);
    ck_assert_int_eq (qs_kb_index_remove_owned (ix, "pg-clients", ""), -1);
    ck_assert_int_eq (qs_kb_index_remove_owned (ix, "pg-clients", "org-a"), -1);
    ck_assert (qs_kb_index_has (ix, "a-doc") && qs_kb_index_has (ix, "pg-clients"));
    ck_assert_int_eq (qs_kb_index_remove_owned (ix, "a-doc", "org-a"), 0);
    ck_assert (!qs_kb_index_has (ix, "a-doc"));
    qs_kb_index_destroy (&ix);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_index");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_finds_the_right_page);
    tcase_add_test (tc, test_one_result_per_page);
    tcase_add_test (tc, test_filters);
    tcase_add_test (tc, test_fusion_prefers_agreement);
    tcase_add_test (tc, test_replace_and_remove);
    tcase_add_test (tc, test_approximate_scan_agrees);
    tcase_add_test (tc, test_org_scoping);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
