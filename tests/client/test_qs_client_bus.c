/*  libquickspin-client and the secured bus, end to end on loopback in one
    process: a CURVE broker with ZAP roles, the event stream and the
    gateway's JWT verifier; a test "workflow" worker; clients with every
    kind of key (proto/client.md). */
#include "../qs_test.h"
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_client.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_secure_fixture.h"
#include "qs_util.h"
#include "quickspin-client.h"

typedef struct {
    qs_fix_keys_t keys;
    qs_fix_broker_t bus;
    qs_worker_t *worker;
} s_world_t;

/*  A secured bus with one workflow worker (worker key from the environment). */
static void
s_world_up (s_world_t *w)
{
    qs_fix_keys_make (&w->keys);
    qs_fix_broker_start (&w->bus, &w->keys);
    qs_fix_env_keys (&w->keys, w->keys.worker_key);
    w->worker = qs_fix_worker_start (w->bus.endpoint, "workflow");
    ck_assert_int_eq (qs_fix_wait_workers (&w->bus, &w->keys, "workflow", 1, 5000), 1);
}

static void
s_world_down (s_world_t *w)
{
    qs_worker_stop (w->worker, 500);
    qs_worker_destroy (&w->worker);
    qs_fix_broker_stop (&w->bus);
    qs_fix_keys_remove (&w->keys);
}

/*  A library client with kp's keys (NULL = plain) and token. */
static qsc_client_t *
s_client (s_world_t *w, const char *endpoint, const qs_curve_keypair_t *kp, const char *token,
          int timeout_ms)
{
    qsc_config_t config = {
        .endpoint = endpoint ? endpoint : w->bus.endpoint,
        .server_public_key = kp ? w->keys.server.public_key : NULL,
        .public_key = kp ? kp->public_key : NULL, .secret_key = kp ? kp->secret_key : NULL,
        .token = token ? token : "", .timeout_ms = timeout_ms, .retries = -1
    };
    qsc_error_t err;
    qsc_client_t *client = qsc_client_new (&config, &err);
    ck_assert_msg (client != NULL, "%s", err.message);
    return client;
}

START_TEST (test_integration_with_valid_jwt_works)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("svc-billing", "org-acme", "viewer");
    qsc_client_t *client = s_client (&w, NULL, &w.keys.integration, token, 5000);
    json_object *reply = NULL;
    qsc_error_t err;
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), 0);
    ck_assert_int_eq (err.code, QSC_OK);
    /* the worker sees the identity the broker verified, token included */
    ck_assert_str_eq (qs_json_str (reply, "org_id", ""), "org-acme");
    ck_assert_str_eq (qs_json_str (reply, "sub", ""), "svc-billing");
    ck_assert (qs_json_bool (reply, "had_token", false));
    json_object_put (reply);

    ck_assert_int_eq (qsc_chat (client, "hello there", NULL, NULL, NULL, &reply, &err), 0);
    ck_assert_str_eq (qs_json_str (reply, "message", ""), "hello there");
    json_object_put (reply);
    qsc_client_destroy (&client);
    ck_assert (client == NULL);
    free (token);
    s_world_down (&w);
}
END_TEST

static int
s_count_partial (const char *event, json_object *data, void *arg)
{
    if (!strcmp (event, "token") && !strcmp (qs_json_str (data, "text", ""), "thinking"))
        (*(int *) arg)++;
    return 0;
}

START_TEST (test_chat_partials_and_rules)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("u1", "org-acme", "member");
    qsc_client_t *client = s_client (&w, NULL, &w.keys.client, token, 5000);
    json_object *reply = NULL;
    qsc_error_t err;
    int partials = 0;
    ck_assert_int_eq (qsc_chat (client, "scale my redis", NULL, s_count_partial, &partials, &reply, &err), 0);
    ck_assert_int_eq (partials, 1);
    ck_assert_str_eq (qs_json_str (reply, "org_id", ""), "org-acme");
    json_object_put (reply);
    /* the gateway's chat rules hold on the bus too */
    ck_assert_int_eq (qsc_chat (client, "", NULL, NULL, NULL, &reply, &err), -1);
    ck_assert_int_eq (err.code, QSC_ERR_INVALID);
    ck_assert_int_eq (err.status, 400);
    ck_assert (reply == NULL);
    /* internal operations are not open to client keys */
    json_object *body = json_object_new_object ();
    ck_assert_int_eq (qsc_call (client, "intent", "classify", body, true, NULL, NULL, &reply, &err), -1);
    ck_assert_int_eq (err.code, QSC_ERR_FORBIDDEN);
    /* nor is a member-only op to a viewer */
    char *viewer = qs_fix_token ("u2", "org-acme", "viewer");
    qsc_client_set_token (client, viewer);
    qs_json_add_str (body, "action_id", "a1");
    ck_assert_int_eq (qsc_call (client, "workflow", "action_confirm", body, false, NULL, NULL, &reply, &err), -1);
    ck_assert_int_eq (err.code, QSC_ERR_FORBIDDEN);
    json_object_put (body);
    free (viewer);
    free (token);
    qsc_client_destroy (&client);
    s_world_down (&w);
}
END_TEST

START_TEST (test_bad_or_missing_token_is_401)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("u1", "org-acme", "viewer");
    token [strlen (token) - 3] ^= 0x01;         /* a broken signature */
    qsc_client_t *client = s_client (&w, NULL, &w.keys.integration, token, 3000);
    json_object *reply = NULL;
    qsc_error_t err;
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), -1);
    ck_assert_int_eq (err.code, QSC_ERR_UNAUTHORIZED);
    ck_assert_int_eq (err.status, 401);
    ck_assert (strstr (err.message, token) == NULL);
    qsc_client_set_token (client, "");
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), -1);
    ck_assert_int_eq (err.code, QSC_ERR_UNAUTHORIZED);
    qsc_client_destroy (&client);
    free (token);
    s_world_down (&w);
}
END_TEST

START_TEST (test_unknown_key_is_refused)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("u1", "org-acme", "viewer");
    qsc_client_t *client = s_client (&w, NULL, &w.keys.stranger, token, 1500);
    json_object *reply = NULL;
    qsc_error_t err;
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), -1);
    ck_assert_msg (err.code == QSC_ERR_UNAVAILABLE || err.code == QSC_ERR_TIMEOUT,
                   "code %s", qsc_code_name (err.code));
    ck_assert (reply == NULL);
    qsc_client_destroy (&client);
    /* the same call with a listed key goes through */
    client = s_client (&w, NULL, &w.keys.integration, token, 5000);
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), 0);
    json_object_put (reply);
    qsc_client_destroy (&client);
    /* and a plain (no CURVE) peer never gets in either */
    client = s_client (&w, NULL, NULL, token, 1500);
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), -1);
    qsc_client_destroy (&client);
    free (token);
    s_world_down (&w);
}
END_TEST

START_TEST (test_client_key_cannot_register_as_worker)
{
    s_world_t w;
    s_world_up (&w);
    /* workers read their key from the environment when they (re)connect */
    const char *wrong [] = { w.keys.client_key, w.keys.integration_key };
    for (int i = 0; i < 2; i++) {
        qs_fix_env_keys (&w.keys, wrong [i]);
        qs_worker_t *rogue = qs_fix_worker_start (w.bus.endpoint, "rogue");
        /* time for more than one registration attempt (liveness 1 s) */
        ck_assert_int_eq (qs_fix_wait_workers (&w.bus, &w.keys, "rogue", 1, 1500), 0);
        qs_worker_stop (rogue, 200);
        qs_worker_destroy (&rogue);
    }
    /* the worker key registers (control), also under a new service name */
    ck_assert_int_eq (qs_fix_wait_workers (&w.bus, &w.keys, "workflow", 1, 300), 1);
    qs_fix_env_keys (&w.keys, w.keys.worker_key);
    qs_worker_t *good = qs_fix_worker_start (w.bus.endpoint, "rogue");
    ck_assert_int_eq (qs_fix_wait_workers (&w.bus, &w.keys, "rogue", 1, 3000), 1);
    qs_worker_stop (good, 200);
    qs_worker_destroy (&good);
    s_world_down (&w);
}
END_TEST

/*  A qs_client with kp sending a full auth context, as only the gateway may. */
static int
s_forward_context (s_world_t *w, const qs_curve_keypair_t *kp, const char *token, qs_err_t *err,
                   json_object **reply_p)
{
    qs_curve_client_t keys;
    memset (&keys, 0, sizeof keys);
    qs_strlcpy (keys.server_public, w->keys.server.public_key, sizeof keys.server_public);
    keys.self = *kp;
    qs_client_t *client = qs_client_new_keys (w->bus.endpoint, &keys);
    ck_assert (client != NULL);
    qs_auth_t auth;
    memset (&auth, 0, sizeof auth);
    qs_strlcpy (auth.sub, "root", sizeof auth.sub);
    qs_strlcpy (auth.org_id, "org-victim", sizeof auth.org_id);
    qs_strlcpy (auth.tier, "enterprise", sizeof auth.tier);
    auth.roles = QS_ROLE_ADMIN;
    qs_strlcpy (auth.token, token, sizeof auth.token);
    qs_call_t call = { .service = "workflow", .op = "recommendations", .request_id = "forge-1",
                       .deadline_ms = qs_now_ms () + 3000, .auth = &auth };
    int rc = qs_client_call (client, &call, reply_p, err, NULL, NULL);
    qs_client_destroy (&client);
    return rc;
}

START_TEST (test_forged_auth_context_is_rejected)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("u1", "org-acme", "viewer");
    json_object *reply = NULL;
    qs_err_t err;
    /* a client key claiming another org, with a valid token of its own */
    ck_assert_int_eq (s_forward_context (&w, &w.keys.client, token, &err, &reply), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_str_eq (err.code, "forbidden");
    /* and without any token */
    ck_assert_int_eq (s_forward_context (&w, &w.keys.integration, "", &err, &reply), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert (reply == NULL);
    /* the gateway's key may forward a context it verified (control) */
    ck_assert_int_eq (s_forward_context (&w, &w.keys.gateway, token, &err, &reply), 200);
    ck_assert_str_eq (qs_json_str (reply, "org_id", ""), "org-victim");
    json_object_put (reply);
    free (token);
    s_world_down (&w);
}
END_TEST

/*  One recommendations call through a recording proxy; the bytes seen. */
static char *
s_capture (s_world_t *w, const qs_curve_keypair_t *kp, const char *token, size_t *len_p)
{
    int port = 0;
    int broker_port = atoi (strrchr (w->bus.endpoint, ':') + 1);
    qs_fix_proxy_t *proxy = qs_fix_proxy_new (broker_port, &port);
    char endpoint [64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    qsc_client_t *client = s_client (w, endpoint, kp, token, 5000);
    json_object *reply = NULL;
    qsc_error_t err;
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), 0);
    ck_assert_str_eq (qs_json_str (reply, "org_id", ""), "org-acme");
    json_object_put (reply);
    qsc_client_destroy (&client);
    char *bytes = NULL;
    qs_fix_proxy_destroy (&proxy, &bytes, len_p);
    return bytes;
}

START_TEST (test_traffic_is_encrypted)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("u1", "org-acme", "viewer");
    size_t len = 0;
    char *bytes = s_capture (&w, &w.keys.integration, token, &len);
    ck_assert_uint_gt (len, 200);               /* the call went through the proxy */
    ck_assert (memmem (bytes, len, "org-acme", 8) == NULL);
    ck_assert (memmem (bytes, len, "recommendations", 15) == NULL);
    /* markers of 7+ bytes: a 2-byte one would turn up in random ciphertext now and then */
    ck_assert (memmem (bytes, len, "{\"token\"", 8) == NULL);
    ck_assert (memmem (bytes, len, "\"org_id\"", 8) == NULL);
    ck_assert (memmem (bytes, len, token, 20) == NULL);
    free (bytes);
    s_world_down (&w);

    /* control: the same capture on a plain loopback bus shows the JSON */
    qs_fix_broker_t plain;
    qs_fix_broker_start (&plain, NULL);
    qs_fix_env_keys (NULL, NULL);
    qs_worker_t *worker = qs_fix_worker_start (plain.endpoint, "workflow");
    ck_assert_int_eq (qs_fix_wait_workers (&plain, NULL, "workflow", 1, 5000), 1);
    s_world_t pw = { .bus = plain };
    bytes = s_capture (&pw, NULL, token, &len);
    ck_assert (memmem (bytes, len, "org-acme", 8) != NULL);
    ck_assert (memmem (bytes, len, "\"org_id\"", 8) != NULL);
    free (bytes);
    qs_worker_stop (worker, 500);
    qs_worker_destroy (&worker);
    qs_fix_broker_stop (&plain);
    free (token);
}
END_TEST

START_TEST (test_subscriber_gets_events_of_its_org_only)
{
    s_world_t w;
    s_world_up (&w);
    qsc_config_t keys = { .server_public_key = w.keys.server.public_key,
                          .public_key = w.keys.integration.public_key,
                          .secret_key = w.keys.integration.secret_key };
    qsc_error_t err;
    /* the subscriber goes through a recording proxy: events are encrypted too */
    int proxy_port = 0;
    qs_fix_proxy_t *proxy = qs_fix_proxy_new (atoi (strrchr (w.bus.events, ':') + 1), &proxy_port);
    char via [64];
    snprintf (via, sizeof via, "tcp://127.0.0.1:%d", proxy_port);
    qsc_events_t *events = qsc_events_new (via, &keys, &err);
    ck_assert_msg (events != NULL, "%s", err.message);
    ck_assert_int_eq (qsc_events_subscribe (events, NULL, "org-acme"), 0);
    /* a client key may not subscribe */
    qsc_config_t client_keys = { .server_public_key = w.keys.server.public_key,
                                 .public_key = w.keys.client.public_key,
                                 .secret_key = w.keys.client.secret_key };
    qsc_events_t *nosy = qsc_events_new (w.bus.events, &client_keys, &err);
    ck_assert (nosy != NULL);
    ck_assert_int_eq (qsc_events_subscribe (nosy, NULL, NULL), 0);
    usleep (300000);            /* subscriptions reach the PUB */

    const char *orgs [] = { "org-acme2", "org-beta", "org-acme" };
    for (int i = 0; i < 3; i++) {
        char *token = qs_fix_token ("svc", orgs [i], "viewer");
        qsc_client_t *client = s_client (&w, NULL, &w.keys.integration, token, 5000);
        json_object *reply = NULL;
        ck_assert_int_eq (qsc_recommendations (client, &reply, &err), 0);
        json_object_put (reply);
        qsc_client_destroy (&client);
        free (token);
    }
    json_object *event = NULL;
    ck_assert_int_eq (qsc_events_next (events, 3000, &event), 1);
    ck_assert_str_eq (qs_json_str (event, "topic", ""), "recommendations.changed");
    ck_assert_str_eq (qs_json_str (event, "org_id", ""), "org-acme");
    ck_assert_str_eq (qs_json_str (event, "reason", ""), "test");
    ck_assert (qs_json_str (event, "request_id", NULL) != NULL);
    ck_assert (!json_object_object_get_ex (event, "token", NULL));    /* never a token */
    ck_assert (strstr (qs_json_text (event), "must-never") == NULL);
    json_object_put (event);
    /* org-acme2 shares the prefix and org-beta differs: neither arrives */
    ck_assert_int_eq (qsc_events_next (events, 500, &event), 0);
    ck_assert (event == NULL);
    ck_assert_int_eq (qsc_events_next (nosy, 300, &event), 0);
    qsc_events_destroy (&nosy);
    qsc_events_destroy (&events);
    ck_assert (events == NULL);
    char *bytes = NULL;
    size_t len = 0;
    qs_fix_proxy_destroy (&proxy, &bytes, &len);
    ck_assert_uint_gt (len, 100);               /* the event went through the proxy */
    ck_assert (memmem (bytes, len, "org-acme", 8) == NULL);             /* nor the subscription */
    ck_assert (memmem (bytes, len, "recommendations", 15) == NULL);
    free (bytes);
    s_world_down (&w);
}
END_TEST

START_TEST (test_example_prints_recommendations)
{
    s_world_t w;
    s_world_up (&w);
    char *token = qs_fix_token ("svc-report", "org-acme", "viewer");
    char env_endpoint [160], env_server [400], env_key [400], env_token [4200];
    snprintf (env_endpoint, sizeof env_endpoint, "QS_BROKER_ENDPOINT=%s", w.bus.endpoint);
    snprintf (env_server, sizeof env_server, "QS_CURVE_SERVER_PUBLIC_FILE=%s", w.keys.server_pub);
    snprintf (env_key, sizeof env_key, "QS_CURVE_CLIENT_KEY_FILE=%s", w.keys.integration_key);
    snprintf (env_token, sizeof env_token, "QUICKSPIN_TOKEN=%s", token);
    char *env [] = { env_endpoint, env_server, env_key, env_token, NULL };
    const char *path = getenv ("QS_TEST_EXAMPLE");
    ck_assert (path != NULL);
    char name [64];             /* a log of its own (the harness appends to a name's log) */
    snprintf (name, sizeof name, "example-recommendations-%d", (int) getpid ());
    qs_proc_t *proc = qs_proc_start (name, path, NULL, env);
    ck_assert (proc != NULL);
    ck_assert_int_eq (qs_proc_wait (proc, 20000), 0);
    FILE *log = fopen (qs_proc_log (proc), "r");
    ck_assert (log != NULL);
    char text [4096];
    size_t n = fread (text, 1, sizeof text - 1, log);
    text [n] = 0;
    fclose (log);
    ck_assert_msg (strstr (text, "1 recommendation") != NULL, "output: %s", text);
    ck_assert (strstr (text, "cache-1") != NULL);
    ck_assert (strstr (text, "12.50") != NULL);
    unlink (qs_proc_log (proc));
    qs_proc_destroy (&proc);
    free (token);
    s_world_down (&w);
}
END_TEST

/*  `quickspin keygen` makes a pair whose printed line, added to the
    broker's list, admits the key without a restart (the list is re-read). */
START_TEST (test_keygen_key_is_admitted_after_listing)
{
    s_world_t w;
    s_world_up (&w);
    char base [320], key_file [330];
    snprintf (base, sizeof base, "%s/ext", w.keys.dir);
    snprintf (key_file, sizeof key_file, "%s.key", base);
    char *argv [] = { (char *) "quickspin", (char *) "keygen", (char *) "--out", base,
                      (char *) "--role", (char *) "integration", (char *) "--name", (char *) "ext", NULL };
    char name [64];
    snprintf (name, sizeof name, "keygen-%d", (int) getpid ());
    qs_proc_t *proc = qs_proc_start (name, getenv ("QS_TEST_CLI"), argv, NULL);
    ck_assert (proc != NULL);
    ck_assert_int_eq (qs_proc_wait (proc, 10000), 0);
    FILE *log = fopen (qs_proc_log (proc), "r");
    ck_assert (log != NULL);
    char line [256] = "";
    ck_assert (fgets (line, sizeof line, log) != NULL);
    fclose (log);
    unlink (qs_proc_log (proc));
    qs_proc_destroy (&proc);
    qs_curve_keypair_t ext;
    qs_err_t e;
    ck_assert_int_eq (qs_curve_keypair_load (key_file, true, &ext, &e), 0);
    char want [128];
    snprintf (want, sizeof want, "integration %s ext\n", ext.public_key);
    ck_assert_str_eq (line, want);

    char *token = qs_fix_token ("svc", "org-acme", "viewer");
    json_object *reply = NULL;
    qsc_error_t err;
    qsc_client_t *client = s_client (&w, NULL, &ext, token, 1000);
    ck_assert_int_eq (qsc_recommendations (client, &reply, &err), -1);      /* not listed yet */
    qsc_client_destroy (&client);
    FILE *list = fopen (w.keys.keys_file, "a");
    ck_assert (list != NULL);
    fputs (line, list);
    fclose (list);
    usleep (1200000);           /* the handler re-reads the list at most once a second */
    client = s_client (&w, NULL, &ext, token, 5000);
    int rc = qsc_recommendations (client, &reply, &err);
    if (rc != 0) {              /* the first handshake after the wait may be the re-reading one */
        qsc_client_destroy (&client);
        client = s_client (&w, NULL, &ext, token, 5000);
        rc = qsc_recommendations (client, &reply, &err);
    }
    ck_assert_msg (rc == 0, "%s", err.message);
    ck_assert_str_eq (qs_json_str (reply, "org_id", ""), "org-acme");
    json_object_put (reply);
    qsc_client_destroy (&client);
    qs_curve_keypair_wipe (&ext);
    char pub [330];
    snprintf (pub, sizeof pub, "%s.pub", base);
    unlink (key_file);
    unlink (pub);
    free (token);
    s_world_down (&w);
}
END_TEST

START_TEST (test_plaintext_beyond_loopback_is_refused)
{
    qs_broker_config_t config = { .endpoint = "tcp://0.0.0.0:0" };
    ck_assert (qs_broker_new (&config) == NULL);
    qs_broker_config_t events = { .endpoint = "tcp://127.0.0.1:*", .events_endpoint = "tcp://*:0" };
    ck_assert (qs_broker_new (&events) == NULL);
    /* a CURVE broker without a key list does not start either */
    qs_fix_keys_t keys;
    qs_fix_keys_make (&keys);
    qs_broker_config_t nolist = { .endpoint = "tcp://127.0.0.1:*", .curve_secret_key = keys.server.secret_key };
    ck_assert (qs_broker_new (&nolist) == NULL);
    qs_fix_keys_remove (&keys);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("client_bus");
    TCase *tc = tcase_create ("secured");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_integration_with_valid_jwt_works);
    tcase_add_test (tc, test_chat_partials_and_rules);
    tcase_add_test (tc, test_bad_or_missing_token_is_401);
    tcase_add_test (tc, test_unknown_key_is_refused);
    tcase_add_test (tc, test_client_key_cannot_register_as_worker);
    tcase_add_test (tc, test_forged_auth_context_is_rejected);
    tcase_add_test (tc, test_traffic_is_encrypted);
    tcase_add_test (tc, test_subscriber_gets_events_of_its_org_only);
    tcase_add_test (tc, test_example_prints_recommendations);
    tcase_add_test (tc, test_keygen_key_is_admitted_after_listing);
    tcase_add_test (tc, test_plaintext_beyond_loopback_is_refused);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
