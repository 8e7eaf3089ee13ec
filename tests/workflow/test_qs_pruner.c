#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "qs_pruner.h"
#include "qs_json.h"
#include "qs_util.h"

static qs_store_t *
s_store (char *path, size_t size)
{
    snprintf (path, size, "/tmp/qs-pruner-%d.db", (int) getpid ());
    char url[300];
    snprintf (url, sizeof url, "sqlite://%s", path);
    qs_err_t err = {0};
    qs_store_t *store = qs_store_new (url, &err);
    ck_assert_msg (store != NULL, "%s", err.message);
    return store;
}

START_TEST (test_prunes_finished_keeps_waiting)
{
    char path[256];
    qs_store_t *store = s_store (path, sizeof path);
    qs_err_t err = {0};
    json_object *first = json_object_new_object ();
    qs_json_add_str (first, "role", "user");
    qs_json_add_str (first, "content", "hello");
    json_object *conv = qs_store_conversation_create (store, "o", "u", first, &err);
    ck_assert_ptr_nonnull (conv);
    const char *cid = qs_json_str (conv, "id", "");
    json_object *state = json_object_new_object ();
    char done[QS_ID_LEN + 1], wait[QS_ID_LEN + 1];
    qs_id_new (done);
    qs_id_new (wait);
    ck_assert_int_eq (qs_store_checkpoint_put (store, "o", "u", done, cid, 3, "finished", state, &err), 0);
    ck_assert_int_eq (qs_store_checkpoint_put (store, "o", "u", wait, cid, 5, "waiting_confirmation", state, &err), 0);
    /* a retention in the past of "now" makes every finished run old enough */
    qs_pruner_t *p = qs_pruner_new (store, -60000, 3600000);
    ck_assert_ptr_nonnull (p);
    ck_assert_int_eq (qs_pruner_run_once (p), 1);
    json_object *gone = qs_store_checkpoint_get (store, "o", "u", done, &err);
    ck_assert_ptr_null (gone);
    ck_assert_int_eq (err.status, 404);
    json_object *kept = qs_store_checkpoint_get (store, "o", "u", wait, &err);
    ck_assert_ptr_nonnull (kept);
    ck_assert_int_eq (qs_pruner_run_once (p), 0);
    qs_pruner_destroy (&p);
    ck_assert_ptr_null (p);
    qs_pruner_destroy (&p);
    json_object_put (kept);
    json_object_put (state);
    json_object_put (conv);
    json_object_put (first);
    qs_store_destroy (&store);
    unlink (path);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_pruner");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_prunes_finished_keeps_waiting);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
