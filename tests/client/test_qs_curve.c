/*  Unit tests of the secured bus's pure parts: key files, the allowed-keys
    list and ZAP decisions, the loopback rule, event topics and bodies. */
#include "../qs_test.h"
#include <czmq.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "qs_curve.h"
#include "qs_wf_events.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qs_zap.h"

static char s_dir [64];

static void
s_setup (void)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/qs-curve-unit-XXXXXX");
    ck_assert (mkdtemp (s_dir) != NULL);
}

static int
s_remove (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st; (void) flag; (void) ftw;
    return remove (path);
}

/*  Each test runs in its own forked process: remove its temp dir. */
static void
s_teardown (void)
{
    if (s_dir [0])
        nftw (s_dir, s_remove, 8, FTW_DEPTH | FTW_PHYS);
}

static void
s_write (const char *name, const char *text)
{
    char path [128];
    snprintf (path, sizeof path, "%s/%s", s_dir, name);
    FILE *f = fopen (path, "w");
    ck_assert (f != NULL);
    fputs (text, f);
    fclose (f);
}

START_TEST (test_keypair_roundtrip)
{
    s_setup ();
    qs_curve_keypair_t kp, back;
    qs_err_t err;
    ck_assert_int_eq (qs_curve_keypair_new (&kp, &err), 0);
    ck_assert (qs_curve_key_valid (kp.public_key));
    ck_assert (qs_curve_key_valid (kp.secret_key));
    ck_assert_str_ne (kp.public_key, kp.secret_key);
    char base [96], path [128];
    snprintf (base, sizeof base, "%s/k", s_dir);
    ck_assert_int_eq (qs_curve_keypair_save (&kp, base, &err), 0);
    snprintf (path, sizeof path, "%s.key", base);
    struct stat st;
    ck_assert_int_eq (stat (path, &st), 0);
    ck_assert_int_eq (st.st_mode & 0777, 0600);          /* the secret is private */
    ck_assert_int_eq (qs_curve_keypair_load (path, true, &back, &err), 0);
    ck_assert_str_eq (back.public_key, kp.public_key);
    ck_assert_str_eq (back.secret_key, kp.secret_key);
    snprintf (path, sizeof path, "%s.pub", base);
    ck_assert_int_eq (qs_curve_keypair_load (path, false, &back, &err), 0);
    ck_assert_str_eq (back.public_key, kp.public_key);
    ck_assert_str_eq (back.secret_key, "");
    /* a public-only file is no key pair */
    ck_assert_int_eq (qs_curve_keypair_load (path, true, &back, &err), -1);
    ck_assert (strstr (err.message, kp.public_key) == NULL);
    /* a secret alone gives its public key */
    char text [128];
    snprintf (text, sizeof text, "secret %s\n", kp.secret_key);
    s_write ("only-secret", text);
    snprintf (path, sizeof path, "%s/only-secret", s_dir);
    ck_assert_int_eq (qs_curve_keypair_load (path, true, &back, &err), 0);
    ck_assert_str_eq (back.public_key, kp.public_key);
    /* a bare key line is a public-only file */
    snprintf (text, sizeof text, "%s\n", kp.public_key);
    s_write ("bare", text);
    snprintf (path, sizeof path, "%s/bare", s_dir);
    ck_assert_int_eq (qs_curve_keypair_load (path, false, &back, &err), 0);
    ck_assert_str_eq (back.public_key, kp.public_key);
    /* '=' and '#' are z85 characters, also at the start of a key */
    char odd [QS_CURVE_KEY_LEN + 1];
    qs_strlcpy (odd, kp.public_key, sizeof odd);
    odd [0] = '=';
    odd [12] = '#';
    ck_assert (qs_curve_key_valid (odd));
    snprintf (text, sizeof text, "# comment\npublic %s\n", odd);
    s_write ("odd", text);
    snprintf (path, sizeof path, "%s/odd", s_dir);
    ck_assert_int_eq (qs_curve_keypair_load (path, false, &back, &err), 0);
    ck_assert_str_eq (back.public_key, odd);
    snprintf (text, sizeof text, "integration %s odd # note\n", odd);
    s_write ("odd-list", text);
    snprintf (path, sizeof path, "%s/odd-list", s_dir);
    zhash_t *list = qs_zap_keys_load (path, &err);
    ck_assert (list != NULL);
    ck_assert_str_eq (qs_zap_admit (list, QS_ZAP_DOMAIN_BUS, odd), "integration");
    zhash_destroy (&list);
    s_write ("junk", "public not-a-key\n");
    snprintf (path, sizeof path, "%s/junk", s_dir);
    ck_assert_int_eq (qs_curve_keypair_load (path, false, &back, &err), -1);
    ck_assert_int_eq (qs_curve_keypair_load ("/nonexistent/x", false, &back, &err), -1);
    ck_assert (!qs_curve_key_valid ("short"));
    ck_assert (!qs_curve_key_valid (NULL));
}
END_TEST

START_TEST (test_allowed_keys_and_roles)
{
    s_setup ();
    qs_curve_keypair_t w, c, i, g;
    qs_err_t err;
    qs_curve_keypair_new (&w, &err);
    qs_curve_keypair_new (&c, &err);
    qs_curve_keypair_new (&i, &err);
    qs_curve_keypair_new (&g, &err);
    char text [512];
    snprintf (text, sizeof text, "# the bus\n\nworker %s wf-1\n  client %s # cli\nintegration %s\n",
              w.public_key, c.public_key, i.public_key);
    s_write ("list", text);
    char path [128];
    snprintf (path, sizeof path, "%s/list", s_dir);
    zhash_t *keys = qs_zap_keys_load (path, &err);
    ck_assert (keys != NULL);
    ck_assert_uint_eq (zhash_size (keys), 3);
    ck_assert_str_eq (qs_zap_admit (keys, QS_ZAP_DOMAIN_BUS, w.public_key), "worker");
    ck_assert_str_eq (qs_zap_admit (keys, QS_ZAP_DOMAIN_BUS, c.public_key), "client");
    ck_assert_str_eq (qs_zap_admit (keys, QS_ZAP_DOMAIN_BUS, i.public_key), "integration");
    ck_assert (qs_zap_admit (keys, QS_ZAP_DOMAIN_BUS, g.public_key) == NULL);     /* unknown */
    /* only integrations subscribe to events */
    ck_assert_str_eq (qs_zap_admit (keys, QS_ZAP_DOMAIN_EVENTS, i.public_key), "integration");
    ck_assert (qs_zap_admit (keys, QS_ZAP_DOMAIN_EVENTS, c.public_key) == NULL);
    ck_assert (qs_zap_admit (keys, QS_ZAP_DOMAIN_EVENTS, w.public_key) == NULL);
    ck_assert (qs_zap_admit (keys, "other", w.public_key) == NULL);
    zhash_destroy (&keys);

    /* a directory of such files (a mounted Secret) adds up */
    char dir [128];
    snprintf (dir, sizeof dir, "%s/d", s_dir);
    mkdir (dir, 0700);
    snprintf (text, sizeof text, "gateway %s\n", g.public_key);
    s_write ("d/gw", text);
    snprintf (text, sizeof text, "worker %s\n", w.public_key);
    s_write ("d/wk", text);
    keys = qs_zap_keys_load (dir, &err);
    ck_assert (keys != NULL);
    ck_assert_str_eq (qs_zap_admit (keys, QS_ZAP_DOMAIN_BUS, g.public_key), "gateway");
    ck_assert_str_eq (qs_zap_admit (keys, QS_ZAP_DOMAIN_BUS, w.public_key), "worker");
    zhash_destroy (&keys);

    /* a bad role or key is an error naming the line, not the key */
    snprintf (text, sizeof text, "worker %s\nroot %s\n", w.public_key, c.public_key);
    s_write ("bad", text);
    snprintf (path, sizeof path, "%s/bad", s_dir);
    ck_assert (qs_zap_keys_load (path, &err) == NULL);
    ck_assert (strstr (err.message, "line 2") != NULL);
    ck_assert (strstr (err.message, c.public_key) == NULL);
    s_write ("bad2", "client 12345\n");
    snprintf (path, sizeof path, "%s/bad2", s_dir);
    ck_assert (qs_zap_keys_load (path, &err) == NULL);
    ck_assert (qs_zap_keys_load ("/nonexistent", &err) == NULL);
    ck_assert (qs_zap_role_valid ("gateway"));
    ck_assert (!qs_zap_role_valid ("admin"));
    ck_assert (!qs_zap_role_valid (NULL));
}
END_TEST

START_TEST (test_endpoint_local)
{
    ck_assert (qs_curve_endpoint_local ("tcp://127.0.0.1:5555"));
    ck_assert (qs_curve_endpoint_local ("tcp://127.0.0.1:*"));
    ck_assert (qs_curve_endpoint_local ("tcp://[::1]:5555"));
    ck_assert (qs_curve_endpoint_local ("tcp://localhost:5555"));
    ck_assert (qs_curve_endpoint_local ("ipc:///tmp/qs.sock"));
    ck_assert (qs_curve_endpoint_local ("inproc://bus"));
    ck_assert (!qs_curve_endpoint_local ("tcp://*:5555"));
    ck_assert (!qs_curve_endpoint_local ("tcp://0.0.0.0:5555"));
    ck_assert (!qs_curve_endpoint_local ("tcp://10.0.0.7:5555"));
    ck_assert (!qs_curve_endpoint_local ("tcp://eth0:5555"));
    ck_assert (!qs_curve_endpoint_local (NULL));
}
END_TEST

START_TEST (test_event_topics_and_body)
{
    ck_assert (qs_events_topic_valid ("action.executed"));
    ck_assert (qs_events_topic_valid ("recommendations.changed"));
    ck_assert (!qs_events_topic_valid ("Action executed"));
    ck_assert (!qs_events_topic_valid (""));
    ck_assert (!qs_events_topic_valid (NULL));
    ck_assert (qs_events_org_valid ("org-acme"));
    ck_assert (!qs_events_org_valid ("org acme"));
    ck_assert (!qs_events_org_valid (""));
    json_object *data = json_object_new_object ();
    qs_json_add_str (data, "action_id", "a1");
    qs_json_add_str (data, "token", "secret-jwt");
    json_object *body = qs_events_body ("action.executed", "org-acme", "rid-1", &data);
    ck_assert (data == NULL);
    ck_assert_str_eq (qs_json_str (body, "topic", ""), "action.executed");
    ck_assert_str_eq (qs_json_str (body, "org_id", ""), "org-acme");
    ck_assert_str_eq (qs_json_str (body, "request_id", ""), "rid-1");
    ck_assert_str_eq (qs_json_str (body, "action_id", ""), "a1");
    ck_assert (qs_json_str (body, "time", NULL) != NULL);
    ck_assert (strstr (qs_json_text (body), "secret-jwt") == NULL);
    json_object_put (body);
}
END_TEST

/*  The workflow helpers copy only public fields, and local requests (unit
    tests of handlers) publish nothing. */
START_TEST (test_event_helpers_on_local_requests)
{
    qs_auth_t auth = { .sub = "u1", .org_id = "org-acme" };
    qs_req_t *req = qs_req_new_local ("chat", NULL, &auth, 1000);
    json_object *action = json_object_new_object ();
    qs_json_add_str (action, "id", "a1");
    qs_json_add_str (action, "status", "executed");
    qs_json_add_str (action, "type", "change_tier");
    ck_assert_int_eq (qs_events_action (req, QS_EVENT_ACTION_EXECUTED, action), -1);
    ck_assert_int_eq (qs_events_recommendations_changed (req, action), -1);
    ck_assert_int_eq (qs_events_action (req, QS_EVENT_ACTION_EXECUTED, NULL), -1);
    ck_assert_int_eq (qs_events_diagnosis (req, action), -1);     /* no diagnosis in it */
    ck_assert_int_eq (qs_events_service (NULL, QS_EVENT_SERVICE_PROVISIONED, action), -1);
    json_object_put (action);
    qs_req_destroy_local (&req);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("client_curve");
    TCase *tc = tcase_create ("pure");
    tcase_add_checked_fixture (tc, NULL, s_teardown);
    tcase_add_test (tc, test_keypair_roundtrip);
    tcase_add_test (tc, test_allowed_keys_and_roles);
    tcase_add_test (tc, test_endpoint_local);
    tcase_add_test (tc, test_event_topics_and_body);
    tcase_add_test (tc, test_event_helpers_on_local_requests);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
