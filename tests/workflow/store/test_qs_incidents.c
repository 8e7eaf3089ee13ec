/*  The incidents and notification-settings repositories, the same for
    every backend (QS_TEST_STORE_URL): one firing incident per fingerprint
    (also under concurrent writers), resolve, unmatched alerts, the
    diagnosis lease, per-organisation scoping, listing, settings. */
#include "../../qs_test.h"
#include "qs_store_testlib.h"
#include "qs_incidents.h"
#include "qs_settings.h"
#include "qs_json.h"
#include <pthread.h>

static qs_test_db_t s_db;
static qs_store_t *s_store;
static qs_incidents_t *s_inc;
static qs_settings_t *s_set;

static void
s_setup (void)
{
    qs_err_t err = {0};
    qs_test_db_init (&s_db);
    s_store = qs_store_new (s_db.url, &err);
    ck_assert_msg (s_store, "open %s: %s", s_db.url, err.message);
    s_inc = qs_incidents_new (s_store, &err);
    ck_assert_msg (s_inc, "incidents: %s", err.message);
    s_set = qs_settings_new (s_store, &err);
    ck_assert_msg (s_set, "settings: %s", err.message);
}

static void
s_teardown (void)
{
    qs_settings_destroy (&s_set);
    qs_incidents_destroy (&s_inc);
    qs_store_destroy (&s_store);
    qs_test_db_remove (&s_db);
}

static json_object *
s_fire (const char *org, const char *fp, const char *service_id, bool firing, bool *opened)
{
    qs_err_t err = {0};
    qs_incident_in_t in = {.firing = firing, .fingerprint = fp, .alertname = "RedisDown",
                           .severity = "critical", .summary = "redis is down",
                           .service_id = service_id, .service_name = service_id ? "cache" : NULL};
    bool ignored;
    json_object *out = qs_incidents_record (s_inc, org, &in, opened ? opened : &ignored, &err);
    ck_assert_msg (out, "record %s: %s", fp, err.message);
    return out;
}

START_TEST (test_dedup_and_resolve)
{
    qs_err_t err = {0};
    bool opened = false;
    json_object *a = s_fire ("org-a", "fp1", "svc-1", true, &opened);
    ck_assert (opened);
    ck_assert_str_eq (qs_json_str (a, "status", ""), "firing");
    ck_assert_int_eq (qs_json_int (a, "alerts_received", 0), 1);
    ck_assert_str_eq (qs_json_str (a, "service_id", ""), "svc-1");
    ck_assert (json_object_is_type (json_object_object_get (a, "resolved_at"), json_type_null));
    ck_assert (json_object_is_type (json_object_object_get (a, "diagnosis"), json_type_null));
    json_object *b = s_fire ("org-a", "fp1", "svc-1", true, &opened);
    ck_assert (!opened);
    ck_assert_str_eq (qs_json_str (b, "id", ""), qs_json_str (a, "id", "x"));
    ck_assert_int_eq (qs_json_int (b, "alerts_received", 0), 2);
    json_object_put (b);
    /* the same fingerprint in another org is another incident */
    b = s_fire ("org-b", "fp1", "svc-9", true, &opened);
    ck_assert (opened);
    ck_assert_str_ne (qs_json_str (b, "id", ""), qs_json_str (a, "id", ""));
    json_object_put (b);

    json_object *r = s_fire ("org-a", "fp1", NULL, false, NULL);
    ck_assert_str_eq (qs_json_str (r, "id", ""), qs_json_str (a, "id", "x"));
    ck_assert_str_eq (qs_json_str (r, "status", ""), "resolved");
    ck_assert (json_object_is_type (json_object_object_get (r, "resolved_at"), json_type_string));
    json_object_put (r);
    /* resolved twice: nothing is firing any more */
    qs_incident_in_t in = {.firing = false, .fingerprint = "fp1"};
    ck_assert_ptr_null (qs_incidents_record (s_inc, "org-a", &in, &opened, &err));
    ck_assert_int_eq (err.status, 404);
    /* firing again after the resolve opens a new incident */
    b = s_fire ("org-a", "fp1", "svc-1", true, &opened);
    ck_assert (opened);
    ck_assert_str_ne (qs_json_str (b, "id", ""), qs_json_str (a, "id", ""));
    json_object_put (b);

    json_object *list = qs_incidents_list (s_inc, "org-a", NULL, 0, &err);
    ck_assert_int_eq ((int) json_object_array_length (list), 2);
    json_object_put (list);
    list = qs_incidents_list (s_inc, "org-a", "resolved", 0, &err);
    ck_assert_int_eq ((int) json_object_array_length (list), 1);
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (list, 0), "id", ""), qs_json_str (a, "id", "x"));
    json_object_put (list);
    ck_assert_ptr_null (qs_incidents_list (s_inc, "org-a", "open", 0, &err));
    ck_assert_int_eq (err.status, 400);
    ck_assert_ptr_null (qs_incidents_list (s_inc, "org-a", NULL, QS_INCIDENTS_LIMIT_MAX + 1, &err));
    ck_assert_int_eq (err.status, 400);
    /* another org never sees it */
    ck_assert_ptr_null (qs_incidents_get (s_inc, "org-b", qs_json_str (a, "id", ""), &err));
    ck_assert_int_eq (err.status, 404);
    json_object_put (a);
}
END_TEST

START_TEST (test_unmatched_and_hostile)
{
    qs_err_t err = {0};
    json_object *u = s_fire ("org-a", "fp-u", NULL, true, NULL);
    ck_assert (json_object_is_type (json_object_object_get (u, "service_id"), json_type_null));
    ck_assert (json_object_is_type (json_object_object_get (u, "service_name"), json_type_null));
    json_object_put (u);
    bool opened;
    qs_incident_in_t in = {.firing = true, .fingerprint = "{\"$ne\":null}", .alertname = "$where"};
    json_object *h = qs_incidents_record (s_inc, "org-a", &in, &opened, &err);
    ck_assert_msg (h, "%s", err.message);
    ck_assert_str_eq (qs_json_str (h, "alertname", ""), "$where");
    json_object_put (h);
    json_object *list = qs_incidents_list (s_inc, "org-a", "firing", 0, &err);
    ck_assert_int_eq ((int) json_object_array_length (list), 2);
    json_object_put (list);
    in.fingerprint = "";
    ck_assert_ptr_null (qs_incidents_record (s_inc, "org-a", &in, &opened, &err));
    ck_assert_int_eq (err.status, 400);
    in.fingerprint = "ok";
    in.summary = "\xff\xfe";
    ck_assert_ptr_null (qs_incidents_record (s_inc, "org-a", &in, &opened, &err));
    ck_assert_int_eq (err.status, 422);
}
END_TEST

START_TEST (test_diagnosis_lease)
{
    qs_err_t err = {0};
    json_object *a = s_fire ("org-a", "fp2", "svc-1", true, NULL);
    const char *id = qs_json_str (a, "id", "");
    ck_assert_int_eq (qs_incidents_claim (s_inc, "org-a", id, 60000, &err), 1);
    ck_assert_int_eq (qs_incidents_claim (s_inc, "org-a", id, 60000, &err), 0);   /* held */
    ck_assert_int_eq (qs_incidents_claim (s_inc, "org-b", id, 60000, &err), 0);   /* not theirs */
    json_object *d = json_object_new_object ();
    json_object *findings = json_object_new_array ();
    json_object *f = json_object_new_object ();
    qs_json_add_str (f, "code", "oom_killed");
    json_object_array_add (findings, f);
    json_object_object_add (d, "findings", findings);
    ck_assert_int_eq (qs_incidents_set_diagnosis (s_inc, "org-a", id, d, &err), 0);
    ck_assert_int_eq (qs_incidents_set_diagnosis (s_inc, "org-b", id, d, &err), -1);
    ck_assert_int_eq (err.status, 404);
    json_object_put (d);
    ck_assert_int_eq (qs_incidents_claim (s_inc, "org-a", id, 60000, &err), 0);   /* diagnosed */
    json_object *g = qs_incidents_get (s_inc, "org-a", id, &err);
    ck_assert_str_eq (qs_json_str (qs_json_path (g, "diagnosis.findings.0"), "code", ""), "oom_killed");
    json_object_put (g);
    /* an expired lease can be taken again */
    json_object *b = s_fire ("org-a", "fp3", "svc-1", true, NULL);
    ck_assert_int_eq (qs_incidents_claim (s_inc, "org-a", qs_json_str (b, "id", ""), -1, &err), 1);
    ck_assert_int_eq (qs_incidents_claim (s_inc, "org-a", qs_json_str (b, "id", ""), 60000, &err), 1);
    json_object_put (b);
    json_object_put (a);
}
END_TEST

static void *
s_writer (void *arg)
{
    (void) arg;
    for (int i = 0; i < 10; i++) {
        qs_err_t err = {0};
        bool opened;
        qs_incident_in_t in = {.firing = true, .fingerprint = "race", .alertname = "X"};
        json_object *o = qs_incidents_record (s_inc, "org-r", &in, &opened, &err);
        if (!o && err.status == 503)
            i--;                /* busy: the same alert again, as Alertmanager would */
        json_object_put (o);
    }
    return NULL;
}

START_TEST (test_concurrent_writers)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create (&t[i], NULL, s_writer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join (t[i], NULL);
    qs_err_t err = {0};
    json_object *list = qs_incidents_list (s_inc, "org-r", NULL, 0, &err);
    ck_assert_int_eq ((int) json_object_array_length (list), 1);
    ck_assert_int_eq (qs_json_int (json_object_array_get_idx (list, 0), "alerts_received", 0), 40);
    json_object_put (list);
}
END_TEST

START_TEST (test_settings)
{
    qs_err_t err = {0};
    json_object *s = qs_settings_notify_get (s_set, "org-a", &err);
    ck_assert_msg (s, "%s", err.message);
    ck_assert (json_object_is_type (json_object_object_get (s, "webhook_url"), json_type_null));
    json_object_put (s);
    ck_assert_int_eq (qs_settings_notify_set_url (s_set, "org-a", "https://hooks.example/x?token=abc", &err), 0);
    json_object *r = json_object_new_object ();
    qs_json_add_bool (r, "ok", false);
    qs_json_add_int (r, "status", 500);
    qs_json_add_str (r, "event", "incident.opened");
    ck_assert_int_eq (qs_settings_notify_set_result (s_set, "org-a", r, &err), 0);
    json_object_put (r);
    s = qs_settings_notify_get (s_set, "org-a", &err);
    ck_assert_str_eq (qs_json_str (s, "webhook_url", ""), "https://hooks.example/x?token=abc");
    ck_assert_int_eq (qs_json_int (qs_json_get (s, "last_delivery", json_type_object), "status", 0), 500);
    json_object_put (s);
    s = qs_settings_notify_get (s_set, "org-b", &err);     /* another org: nothing */
    ck_assert (json_object_is_type (json_object_object_get (s, "webhook_url"), json_type_null));
    json_object_put (s);
    ck_assert_int_eq (qs_settings_notify_set_url (s_set, "org-a", NULL, &err), 0);
    s = qs_settings_notify_get (s_set, "org-a", &err);
    ck_assert (json_object_is_type (json_object_object_get (s, "webhook_url"), json_type_null));
    ck_assert (json_object_is_type (json_object_object_get (s, "last_delivery"), json_type_null));
    json_object_put (s);

    char masked[256];
    qs_settings_mask_url ("https://h.example/p/SECRET?token=abc&x=1#frag", masked, sizeof masked);
    ck_assert_str_eq (masked, "https://h.example/p/SECRET?token=***&x=***");
    qs_settings_mask_url ("http://h.example/hook", masked, sizeof masked);
    ck_assert_str_eq (masked, "http://h.example/hook");
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create (qs_test_db_is_mongo () ? "incidents_mongo" : "incidents_sqlite");
    TCase *tc = tcase_create ("behaviour");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_dedup_and_resolve);
    tcase_add_test (tc, test_unmatched_and_hostile);
    tcase_add_test (tc, test_diagnosis_lease);
    tcase_add_test (tc, test_concurrent_writers);
    tcase_add_test (tc, test_settings);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
