/*  qs_svccache: shared hits, expiry, keys (org, user, token), forgetting
    after a change, bounded slots, one table per thread. */
#include "../qs_test.h"
#include <pthread.h>
#include <string.h>
#include "qs_json.h"
#include "qs_svccache.h"
#include "qs_util.h"

static qs_auth_t
s_auth (const char *org, const char *sub, const char *token)
{
    qs_auth_t a;
    memset (&a, 0, sizeof a);
    qs_strlcpy (a.org_id, org, sizeof a.org_id);
    qs_strlcpy (a.sub, sub, sizeof a.sub);
    qs_strlcpy (a.token, token, sizeof a.token);
    return a;
}

static json_object *
s_list (const char *name)
{
    json_object *arr = json_object_new_array (), *s = json_object_new_object ();
    qs_json_add_str (s, "id", "svc-1");
    qs_json_add_str (s, "name", name);
    json_object_array_add (arr, s);
    return arr;
}

static const char *
s_name (json_object *list)
{
    return qs_json_str (json_object_array_get_idx (list, 0), "name", "");
}

START_TEST (test_hit_is_the_stored_list_until_the_ttl)
{
    qs_svccache_t *c = qs_svccache_new (1000, 4);
    qs_auth_t dana = s_auth ("org-acme", "dana", "tok-1");
    json_object *list = s_list ("acme-cache");
    ck_assert_ptr_null (qs_svccache_get (c, &dana, 0));
    qs_svccache_put (c, &dana, list, 100);
    json_object_put (list);                 /* the cache holds its own reference */
    json_object *hit = qs_svccache_get (c, &dana, 1099);
    ck_assert_ptr_nonnull (hit);
    ck_assert_str_eq (s_name (hit), "acme-cache");
    json_object *again = qs_svccache_get (c, &dana, 1099);
    ck_assert_ptr_eq (hit, again);          /* no copy */
    json_object_put (again);
    json_object_put (hit);
    ck_assert_ptr_null (qs_svccache_get (c, &dana, 1100));     /* ttl_ms after: gone */
    ck_assert_ptr_null (qs_svccache_get (c, &dana, 1101));
    qs_svccache_destroy (&c);
    ck_assert_ptr_null (c);
    qs_svccache_destroy (NULL);
}
END_TEST

START_TEST (test_keys_never_cross_users_tokens_or_orgs)
{
    qs_svccache_t *c = qs_svccache_new (1000, 8);
    qs_auth_t dana = s_auth ("org-acme", "dana", "tok-1");
    qs_auth_t dana2 = s_auth ("org-acme", "dana", "tok-2");
    qs_auth_t bob = s_auth ("org-acme", "bob", "tok-1");
    qs_auth_t other = s_auth ("org-globex", "dana", "tok-1");
    json_object *list = s_list ("acme-cache"), *other_list = s_list ("globex-db");
    qs_svccache_put (c, &dana, list, 0);
    ck_assert_ptr_null (qs_svccache_get (c, &dana2, 1));
    ck_assert_ptr_null (qs_svccache_get (c, &bob, 1));
    ck_assert_ptr_null (qs_svccache_get (c, &other, 1));
    qs_svccache_put (c, &other, other_list, 0);
    json_object *hit = qs_svccache_get (c, &other, 2);
    ck_assert_str_eq (s_name (hit), "globex-db");
    json_object_put (hit);
    /* a change forgets what every thread stored before it */
    qs_svccache_forget (c);
    ck_assert_ptr_null (qs_svccache_get (c, &dana, 2));
    ck_assert_ptr_null (qs_svccache_get (c, &other, 2));
    qs_svccache_put (c, &dana, list, 3);     /* stored after the change: served */
    hit = qs_svccache_get (c, &dana, 4);
    ck_assert_ptr_eq (hit, list);
    json_object_put (hit);
    json_object_put (list);
    json_object_put (other_list);
    qs_svccache_destroy (&c);
}
END_TEST

START_TEST (test_bounded_and_disabled)
{
    qs_svccache_t *c = qs_svccache_new (1000, 2);
    qs_auth_t a = s_auth ("o", "a", "t"), b = s_auth ("o", "b", "t"), d = s_auth ("o", "d", "t");
    json_object *list = s_list ("x");
    qs_svccache_put (c, &a, list, 10);
    qs_svccache_put (c, &b, list, 20);
    qs_svccache_put (c, &d, list, 30);          /* replaces the oldest (a) */
    json_object *hit = qs_svccache_get (c, &a, 31);
    ck_assert_ptr_null (hit);
    hit = qs_svccache_get (c, &b, 31);
    ck_assert_ptr_nonnull (hit);
    json_object_put (hit);
    hit = qs_svccache_get (c, &d, 31);
    ck_assert_ptr_nonnull (hit);
    json_object_put (hit);
    qs_svccache_destroy (&c);
    /* ttl 0: nothing is kept */
    c = qs_svccache_new (0, 2);
    qs_svccache_put (c, &a, list, 0);
    ck_assert_ptr_null (qs_svccache_get (c, &a, 0));
    qs_svccache_destroy (&c);
    /* no cache at all: calls are no-ops */
    qs_svccache_put (NULL, &a, list, 0);
    ck_assert_ptr_null (qs_svccache_get (NULL, &a, 0));
    qs_svccache_forget (NULL);
    json_object_put (list);
}
END_TEST

/*  Another thread has its own entries: it never shares one's objects. */
typedef struct {
    qs_svccache_t *cache;
    json_object *seen;
} s_peek_t;

static void *
s_peek (void *arg)
{
    s_peek_t *p = arg;
    qs_auth_t a = s_auth ("o", "a", "t");
    p->seen = qs_svccache_get (p->cache, &a, 1);
    return NULL;
}

START_TEST (test_threads_keep_their_own)
{
    qs_svccache_t *c = qs_svccache_new (1000, 4);
    qs_auth_t a = s_auth ("o", "a", "t");
    json_object *list = s_list ("x");
    qs_svccache_put (c, &a, list, 0);
    s_peek_t p = {c, NULL};
    pthread_t th;
    pthread_create (&th, NULL, s_peek, &p);
    pthread_join (th, NULL);
    ck_assert_ptr_null (p.seen);
    json_object *hit = qs_svccache_get (c, &a, 1);
    ck_assert_ptr_eq (hit, list);
    json_object_put (hit);
    json_object_put (list);
    qs_svccache_destroy (&c);
}
END_TEST

static void *
s_hammer (void *arg)
{
    qs_svccache_t *c = arg;
    qs_auth_t a = s_auth ("o", "a", "t");
    json_object *list = s_list ("x");
    for (int i = 0; i < 2000; i++) {
        qs_svccache_put (c, &a, list, i);
        json_object_put (qs_svccache_get (c, &a, i));
        if (i % 100 == 0)
            qs_svccache_forget (c);
    }
    json_object_put (list);
    return NULL;
}

START_TEST (test_threads)
{
    qs_svccache_t *c = qs_svccache_new (50, 4);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create (&th[i], NULL, s_hammer, c);
    for (int i = 0; i < 4; i++)
        pthread_join (th[i], NULL);
    qs_svccache_destroy (&c);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_svccache");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_hit_is_the_stored_list_until_the_ttl);
    tcase_add_test (tc, test_threads_keep_their_own);
    tcase_add_test (tc, test_keys_never_cross_users_tokens_or_orgs);
    tcase_add_test (tc, test_bounded_and_disabled);
    tcase_add_test (tc, test_threads);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
