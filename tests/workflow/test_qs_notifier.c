/*  qs_notifier without processes: the settings ops on a local request (body
    rules, the URL guard's 422, masking), and the sender refusing at send
    time a URL that is no longer allowed, before any connection. */
#include "../qs_test.h"
#include <stdio.h>
#include <unistd.h>
#include "qs_notifier.h"
#include "qs_json.h"
#include "qs_util.h"

static char s_path[128];
static qs_store_t *s_store;
static qs_settings_t *s_settings;
static qs_notifier_t *s_notifier;

static void
s_setup (void)
{
    char url[160];
    qs_err_t err = {0};
    snprintf (s_path, sizeof s_path, "/tmp/qs-notifier-test-%d.db", (int) getpid ());
    snprintf (url, sizeof url, "sqlite://%s", s_path);
    s_store = qs_store_new (url, &err);
    ck_assert_msg (s_store, "%s", err.message);
    s_settings = qs_settings_new (s_store, &err);
    ck_assert_ptr_nonnull (s_settings);
    s_notifier = qs_notifier_new (s_settings, "hooks.internal", NULL);
    ck_assert_ptr_nonnull (s_notifier);
}

static void
s_teardown (void)
{
    qs_notifier_destroy (&s_notifier);
    qs_settings_destroy (&s_settings);
    qs_store_destroy (&s_store);
    char extra[160];
    unlink (s_path);
    snprintf (extra, sizeof extra, "%s-wal", s_path);
    unlink (extra);
    snprintf (extra, sizeof extra, "%s-shm", s_path);
    unlink (extra);
}

/*  Run op with body text as an admin of org-n; the status, *reply_p a copy. */
static int
s_op (qs_op_fn *op, const char *body, json_object **reply_p)
{
    qs_auth_t auth = {.sub = "ann", .org_id = "org-n", .roles = QS_ROLE_ADMIN};
    json_object *b = body ? json_tokener_parse (body) : NULL;
    qs_req_t *req = qs_req_new_local ("notifications", b, &auth, 5000);
    op (req, s_notifier);
    int status = qs_req_local_status (req);
    if (reply_p) {
        *reply_p = NULL;        /* deep_copy writes only into a NULL pointer */
        json_object_deep_copy (qs_req_local_reply (req), reply_p, NULL);
    }
    qs_req_destroy_local (&req);
    json_object_put (b);
    return status;
}

START_TEST (test_settings_ops)
{
    json_object *r = NULL;
    ck_assert_int_eq (s_op (qs_notifier_get_op, NULL, &r), 200);
    ck_assert (json_object_is_type (json_object_object_get (r, "webhook_url"), json_type_null));
    json_object_put (r);
    ck_assert_int_eq (s_op (qs_notifier_put_op, "{}", NULL), 400);
    ck_assert_int_eq (s_op (qs_notifier_put_op, "{\"webhook_url\":[1]}", NULL), 400);
    const char *refused[] = {"{\"webhook_url\":\"http://169.254.169.254/x\"}", "{\"webhook_url\":\"http://10.9.8.7/x\"}",
                             "{\"webhook_url\":\"http://127.0.0.1:9/x\"}", "{\"webhook_url\":\"gopher://93.184.216.34/\"}",
                             "{\"webhook_url\":\"http://[::1]/x\"}", "{\"webhook_url\":\"http://224.0.0.1/x\"}", NULL};
    for (int i = 0; refused[i]; i++) {
        ck_assert_int_eq (s_op (qs_notifier_put_op, refused[i], &r), 422);
        ck_assert_str_eq (qs_json_str (qs_json_get (r, "error", json_type_object), "code", ""), "webhook_not_allowed");
        json_object_put (r);
    }
    ck_assert_int_eq (s_op (qs_notifier_put_op, "{\"webhook_url\":\"https://93.184.216.34/hook?key=s3cr3t&x=1\"}", &r), 200);
    ck_assert_str_eq (qs_json_str (r, "webhook_url", ""), "https://93.184.216.34/hook?key=***&x=***");
    json_object_put (r);
    ck_assert_int_eq (s_op (qs_notifier_get_op, NULL, &r), 200);
    ck_assert_ptr_null (strstr (json_object_to_json_string (r), "s3cr3t"));
    json_object_put (r);
    ck_assert_int_eq (s_op (qs_notifier_put_op, "{\"webhook_url\":null}", &r), 200);
    ck_assert (json_object_is_type (json_object_object_get (r, "webhook_url"), json_type_null));
    json_object_put (r);
}
END_TEST

START_TEST (test_send_rechecks)
{
    char why[200] = "";
    /* stored while allowed, refused now: final 422, no connection tried */
    ck_assert_int_eq (qs_notifier_send (s_notifier, "http://10.1.1.1:9/hook", "{}", 1000, why, sizeof why), 422);
    ck_assert_ptr_nonnull (strstr (why, "private"));
    ck_assert_int_eq (qs_notifier_send (s_notifier, "http://u:p@93.184.216.34/", "{}", 1000, why, sizeof why), 422);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("notifier");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_settings_ops);
    tcase_add_test (tc, test_send_rechecks);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
