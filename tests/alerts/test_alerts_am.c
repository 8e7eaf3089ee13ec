/*  The Alertmanager receiver end to end (contract section 11): a REAL
    Alertmanager on loopback sends to the gateway; alerts are fired through
    its API (POST /api/v2/alerts) for the sandbox's failing services. An
    incident opens with a diagnosis carrying the real finding, a repeat
    does not open a second one, a resolve resolves it, an unknown service
    is kept unmatched, namespace + pod finds the service by its pod's
    label, the chat's "last time this happened" sees the incident, another
    org sees nothing. Notifications reach a loopback webhook (allowed with
    QS_NOTIFY_ALLOW_HOSTS=127.0.0.1), redirects are not followed, private
    addresses are refused. Skipped when prometheus-alertmanager is not
    installed (scripts/install-deps installs it). */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "qs_am.h"
#include "qs_harness.h"
#include "qs_json.h"

static qs_harness_t *s_h;
static qs_am_t s_am;
static char *s_bot, *s_admin, *s_viewer, *s_member, *s_globex;
static const char *const s_env[] = {"QS_NOTIFY_ALLOW_HOSTS=127.0.0.1", NULL};

static void
s_setup (void)
{
    qs_harness_spec_t spec = qs_harness_whole ();
    spec.env = s_env;
    s_h = qs_harness_new (&spec);
    ck_assert_msg (s_h, "the suite did not become ready");
    s_bot = qs_harness_token ("alertmanager", "org-acme", "member");
    s_admin = qs_harness_token ("ann", "org-acme", "admin");
    s_viewer = qs_harness_token ("vic", "org-acme", "viewer");
    s_member = qs_harness_token ("alice", "org-acme", "member");
    s_globex = qs_harness_token ("carol", "org-globex", "member,admin");
    ck_assert_msg (qs_am_start (&s_am, qs_harness_gateway (s_h), s_bot) == 0, "Alertmanager did not start");
}

static void
s_teardown (void)
{
    qs_am_stop (&s_am);
    qs_harness_destroy (&s_h);
    free (s_bot); free (s_admin); free (s_viewer); free (s_member); free (s_globex);
}

static void
s_sleep_ms (int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

/*  The caller's incidents (new array; caller puts). */
static json_object *
s_incidents (const char *token, const char *query)
{
    json_object *resp = NULL;
    char path[128];
    snprintf (path, sizeof path, "/api/v1/incidents%s", query ? query : "");
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), path, token, NULL, &resp), 200);
    json_object *list = json_object_get (qs_json_get (resp, "incidents", json_type_array));
    json_object_put (resp);
    ck_assert_ptr_nonnull (list);
    return list;
}

/*  The first incident of alertname that satisfies want (status, a
    diagnosis, alerts_received), polled for up to 20 s; NULL on timeout. */
static json_object *
s_wait_incident (const char *alertname, const char *status, bool diagnosed, int received)
{
    for (int i = 0; i < 400; i++) {
        json_object *list = s_incidents (s_admin, NULL);
        for (size_t k = 0; k < json_object_array_length (list); k++) {
            json_object *inc = json_object_array_get_idx (list, k);
            if (strcmp (qs_json_str (inc, "alertname", ""), alertname) != 0)
                continue;
            if ((!status || !strcmp (qs_json_str (inc, "status", ""), status))
                && (!diagnosed || qs_json_get (inc, "diagnosis", json_type_object))
                && qs_json_int (inc, "alerts_received", 0) >= received) {
                json_object *found = json_object_get (inc);
                json_object_put (list);
                return found;
            }
        }
        json_object_put (list);
        s_sleep_ms (50);
    }
    return NULL;
}

static int
s_count (const char *alertname)
{
    json_object *list = s_incidents (s_admin, NULL);
    int n = 0;
    for (size_t k = 0; k < json_object_array_length (list); k++)
        n += !strcmp (qs_json_str (json_object_array_get_idx (list, k), "alertname", ""), alertname);
    json_object_put (list);
    return n;
}

START_TEST (test_fire_repeat_resolve)
{
    const char *labels[] = {"alertname=QsCacheOOM", "quickspin_service_id=svc-acme-cache",
                            "severity=critical", NULL};
    ck_assert_int_eq (qs_am_fire (&s_am, labels, "redis restarts", 0), 0);
    json_object *inc = s_wait_incident ("QsCacheOOM", "firing", true, 1);
    ck_assert_msg (inc, "no diagnosed incident");
    ck_assert_str_eq (qs_json_str (inc, "service_id", ""), "svc-acme-cache");
    ck_assert_str_eq (qs_json_str (inc, "service_name", ""), "acme-cache");
    ck_assert_str_eq (qs_json_str (inc, "severity", ""), "critical");
    ck_assert_str_eq (qs_json_str (inc, "summary", ""), "redis restarts");
    ck_assert_str_eq (qs_json_str (qs_json_path (inc, "diagnosis.findings.0"), "code", ""), "oom_killed");
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (inc, "id", ""));
    json_object_put (inc);

    /* Alertmanager repeats the firing alert (repeat_interval 2s): one incident */
    inc = s_wait_incident ("QsCacheOOM", "firing", true, 2);
    ck_assert_msg (inc, "the repeat never arrived");
    ck_assert_str_eq (qs_json_str (inc, "id", ""), id);
    json_object_put (inc);
    ck_assert_int_eq (s_count ("QsCacheOOM"), 1);

    /* quickspin incidents: the table and --json */
    char *cli = qs_build_path ("cli/quickspin");
    char cmd[1400], out[8192];
    snprintf (cmd, sizeof cmd, "env HOME=/tmp QUICKSPIN_URL=%s QUICKSPIN_TOKEN=%s %s incidents --status firing",
              qs_harness_gateway (s_h), s_admin, cli);
    FILE *p = popen (cmd, "r");
    size_t n = p ? fread (out, 1, sizeof out - 1, p) : 0;
    out[n] = 0;
    ck_assert_int_eq (p ? pclose (p) : -1, 0);
    ck_assert_msg (strstr (out, "QsCacheOOM") && strstr (out, "acme-cache") && strstr (out, "oom_killed"), "%s", out);
    snprintf (cmd, sizeof cmd, "env HOME=/tmp QUICKSPIN_URL=%s QUICKSPIN_TOKEN=%s %s --json incidents",
              qs_harness_gateway (s_h), s_admin, cli);
    p = popen (cmd, "r");
    n = p ? fread (out, 1, sizeof out - 1, p) : 0;
    out[n] = 0;
    ck_assert_int_eq (p ? pclose (p) : -1, 0);
    json_object *parsed = json_tokener_parse (out);
    ck_assert_msg (qs_json_get (parsed, "incidents", json_type_array), "%s", out);
    json_object_put (parsed);
    free (cli);

    /* the chat's diagnosis now remembers it */
    json_object *r = NULL;
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/chat", s_member,
                                   "{\"message\":\"why is acme-cache failing?\"}", &r), 200);
    ck_assert_msg (strstr (qs_json_str (r, "message", ""), "alert QsCacheOOM"), "%s", qs_json_str (r, "message", ""));
    json_object_put (r);

    /* resolved: endsAt in the past */
    ck_assert_int_eq (qs_am_fire (&s_am, labels, "redis restarts", -1), 0);
    inc = s_wait_incident ("QsCacheOOM", "resolved", false, 0);
    ck_assert_msg (inc, "never resolved");
    ck_assert_str_eq (qs_json_str (inc, "id", ""), id);
    ck_assert (qs_json_str (inc, "resolved_at", NULL) != NULL);
    json_object_put (inc);
    json_object *firing = s_incidents (s_admin, "?status=firing");
    for (size_t k = 0; k < json_object_array_length (firing); k++)
        ck_assert_str_ne (qs_json_str (json_object_array_get_idx (firing, k), "id", ""), id);
    json_object_put (firing);

    /* another org never sees it */
    json_object *other = s_incidents (s_globex, NULL);
    ck_assert_int_eq ((int) json_object_array_length (other), 0);
    json_object_put (other);
}
END_TEST

START_TEST (test_unmatched_and_pod_label)
{
    const char *unknown[] = {"alertname=QsNoSuchService", "quickspin_service=no-such-service", NULL};
    ck_assert_int_eq (qs_am_fire (&s_am, unknown, "who is this", 0), 0);
    const char *by_pod[] = {"alertname=QsPodCrash", "namespace=qs-acme", "pod=acme-broker-0", NULL};
    ck_assert_int_eq (qs_am_fire (&s_am, by_pod, "crash looping", 0), 0);
    /* a pod of another org's namespace is never looked at */
    const char *foreign[] = {"alertname=QsForeignPod", "namespace=qs-globex", "pod=globex-db-0", NULL};
    ck_assert_int_eq (qs_am_fire (&s_am, foreign, "not yours", 0), 0);

    json_object *u = s_wait_incident ("QsNoSuchService", "firing", false, 1);
    ck_assert_msg (u, "the unmatched alert was dropped");
    ck_assert (json_object_is_type (json_object_object_get (u, "service_id"), json_type_null));
    ck_assert (json_object_is_type (json_object_object_get (u, "diagnosis"), json_type_null));
    json_object_put (u);
    json_object *p = s_wait_incident ("QsPodCrash", "firing", true, 1);
    ck_assert_msg (p, "no diagnosed incident for the pod");
    ck_assert_str_eq (qs_json_str (p, "service_id", ""), "svc-acme-broker");
    ck_assert_str_eq (qs_json_str (qs_json_path (p, "diagnosis.findings.0"), "code", ""), "crash_loop_backoff");
    json_object_put (p);
    json_object *f = s_wait_incident ("QsForeignPod", "firing", false, 1);
    ck_assert_msg (f, "the foreign pod's alert was dropped");
    ck_assert (json_object_is_type (json_object_object_get (f, "service_id"), json_type_null));
    json_object_put (f);
}
END_TEST

START_TEST (test_direct_payload_rules)
{
    /* straight to the gateway, as Alertmanager would, twice: one incident */
    const char *body = "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"q\",\"alerts\":[{\"status\":\"firing\","
                       "\"labels\":{\"alertname\":\"QsDirect\",\"quickspin_service\":\"acme-events\"},"
                       "\"annotations\":{},\"startsAt\":\"2026-12-07T10:00:00Z\",\"fingerprint\":\"d1ec7\"}]}";
    json_object *r = NULL;
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/alerts/alertmanager", s_bot, body, &r), 200);
    ck_assert_int_eq (qs_json_int (r, "opened", 0), 1);
    json_object_put (r);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/alerts/alertmanager", s_bot, body, &r), 200);
    ck_assert_int_eq (qs_json_int (r, "updated", 0), 1);
    json_object_put (r);
    json_object *inc = s_wait_incident ("QsDirect", "firing", true, 2);
    ck_assert_msg (inc, "no diagnosed incident");
    ck_assert_str_eq (qs_json_str (qs_json_path (inc, "diagnosis.findings.0"), "code", ""), "disk_full");
    ck_assert_str_eq (qs_json_str (inc, "fingerprint", ""), "d1ec7");
    json_object_put (inc);
    ck_assert_int_eq (s_count ("QsDirect"), 1);
    /* roles and shape */
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/alerts/alertmanager", s_viewer, body, &r), 403);
    json_object_put (r);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/alerts/alertmanager", NULL, body, &r), 401);
    json_object_put (r);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/alerts/alertmanager", s_bot,
                                   "{\"version\":\"3\",\"alerts\":[]}", &r), 400);
    json_object_put (r);
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/incidents?status=open", s_admin, NULL, &r), 400);
    json_object_put (r);
}
END_TEST

/*  The org's last delivery, polled until its event is want (NULL = any). */
static json_object *
s_last_delivery (const char *want)
{
    for (int i = 0; i < 200; i++) {
        json_object *r = NULL;
        ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/settings/notifications", s_admin, NULL, &r), 200);
        json_object *last = qs_json_get (r, "last_delivery", json_type_object);
        if (last && (!want || !strcmp (qs_json_str (last, "event", ""), want))) {
            json_object *out = json_object_get (last);
            json_object_put (r);
            return out;
        }
        json_object_put (r);
        s_sleep_ms (50);
    }
    return NULL;
}

/*  The first body the hook received for event (new), polled up to 10 s. */
static json_object *
s_hook_event (qs_hook_t *hook, const char *event)
{
    for (int i = 0; i < 200; i++) {
        json_object *all = qs_hook_received (hook);
        for (size_t k = 0; k < json_object_array_length (all); k++) {
            json_object *b = qs_json_get (json_object_array_get_idx (all, k), "body", json_type_object);
            if (!strcmp (qs_json_str (b, "event", ""), event)) {
                json_object *out = json_object_get (b);
                json_object_put (all);
                return out;
            }
        }
        json_object_put (all);
        s_sleep_ms (50);
    }
    return NULL;
}

static long
s_put_webhook (const char *token, const char *url)
{
    char body[300];
    if (url)
        snprintf (body, sizeof body, "{\"webhook_url\":\"%s\"}", url);
    else
        snprintf (body, sizeof body, "{\"webhook_url\":null}");
    json_object *r = NULL;
    long status = qs_harness_http ("PUT", qs_harness_gateway (s_h), "/api/v1/settings/notifications", token, body, &r);
    json_object_put (r);
    return status;
}

START_TEST (test_notifications)
{
    qs_hook_t *hook = qs_hook_new ();
    ck_assert_ptr_nonnull (hook);
    char url[128];
    snprintf (url, sizeof url, "http://127.0.0.1:%d/hook?token=s3cret", qs_hook_port (hook));
    ck_assert_int_eq (s_put_webhook (s_member, url), 403);
    ck_assert_int_eq (s_put_webhook (s_admin, url), 200);
    json_object *r = NULL;
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/settings/notifications", s_admin, NULL, &r), 200);
    ck_assert_ptr_null (strstr (qs_json_str (r, "webhook_url", ""), "s3cret"));
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "webhook_url", ""), "/hook?token=***"));
    json_object_put (r);
    /* refused targets */
    char local[128];
    snprintf (local, sizeof local, "http://localhost:%d/hook", qs_hook_port (hook));
    const char *refused[] = {local, "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/hook",
                             "ftp://example.com/x", "http://user:pw@127.0.0.1/hook", NULL};
    for (int i = 0; refused[i]; i++) {
        char body[300];
        snprintf (body, sizeof body, "{\"webhook_url\":\"%s\"}", refused[i]);
        ck_assert_int_eq (qs_harness_http ("PUT", qs_harness_gateway (s_h), "/api/v1/settings/notifications", s_admin, body, &r), 422);
        ck_assert_str_eq (qs_json_str (qs_json_get (r, "error", json_type_object), "code", ""), "webhook_not_allowed");
        json_object_put (r);
    }
    ck_assert_int_eq (qs_harness_http ("PUT", qs_harness_gateway (s_h), "/api/v1/settings/notifications", s_admin, "{\"webhook_url\":5}", &r), 400);
    json_object_put (r);

    /* incident opened (with its diagnosis) and resolved */
    const char *labels[] = {"alertname=QsSearchPull", "quickspin_service_id=svc-acme-search", NULL};
    ck_assert_int_eq (qs_am_fire (&s_am, labels, "image pull", 0), 0);
    json_object *opened = s_hook_event (hook, "incident.opened");
    ck_assert_msg (opened, "no incident.opened");
    ck_assert_ptr_nonnull (strstr (qs_json_str (opened, "text", ""), "QsSearchPull"));
    ck_assert_ptr_nonnull (strstr (qs_json_str (opened, "text", ""), "image_pull_backoff"));
    ck_assert_str_eq (qs_json_str (qs_json_path (opened, "incident"), "service_id", ""), "svc-acme-search");
    json_object_put (opened);
    ck_assert_int_eq (qs_am_fire (&s_am, labels, "image pull", -1), 0);
    json_object *resolved = s_hook_event (hook, "incident.resolved");
    ck_assert_msg (resolved, "no incident.resolved");
    ck_assert_ptr_nonnull (strstr (qs_json_str (resolved, "text", ""), "resolved"));
    json_object_put (resolved);
    json_object *last = s_last_delivery ("incident.resolved");
    ck_assert_msg (last, "no last delivery");
    ck_assert (qs_json_bool (last, "ok", false));
    ck_assert_int_eq (qs_json_int (last, "status", 0), 200);
    json_object_put (last);

    /* an action executed, then one that fails (the platform refuses) */
    r = NULL;
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/chat", s_admin,
                                   "{\"message\":\"create a redis cache called hook-cache for staging, no backups\"}", &r), 200);
    char path[160];
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", qs_json_str (qs_json_path (r, "actions.0"), "id", "none"));
    json_object_put (r);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), path, s_admin, "{}", &r), 200);
    json_object_put (r);
    json_object *executed = s_hook_event (hook, "action.executed");
    ck_assert_msg (executed, "no action.executed");
    ck_assert_ptr_nonnull (strstr (qs_json_str (executed, "text", ""), "hook-cache"));
    json_object_put (executed);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), "/api/v1/chat", s_admin,
                                   "{\"message\":\"create a redis cache called hook-fail for staging, no backups\"}", &r), 200);
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", qs_json_str (qs_json_path (r, "actions.0"), "id", "none"));
    json_object_put (r);
    ck_assert_int_eq (qs_harness_sandbox_fault (s_h, "{\"path_prefix\":\"/api/v1/services\",\"method\":\"POST\","
                                                  "\"status\":422,\"count\":-1}"), 0);
    ck_assert_int_eq (qs_harness_http ("POST", qs_harness_gateway (s_h), path, s_admin, "{}", &r), 200);
    json_object_put (r);
    json_object *failed = s_hook_event (hook, "action.failed");
    ck_assert_msg (failed, "no action.failed");
    ck_assert_ptr_nonnull (strstr (qs_json_str (failed, "text", ""), "failed"));
    json_object_put (failed);
    qs_harness_http ("DELETE", qs_harness_sandbox (s_h), "/__sandbox/faults", NULL, NULL, NULL);

    /* a redirect is not followed: the delivery fails with 302 */
    snprintf (url, sizeof url, "http://127.0.0.1:%d/redirect", qs_hook_port (hook));
    ck_assert_int_eq (s_put_webhook (s_admin, url), 200);
    const char *again[] = {"alertname=QsRedirected", "quickspin_service=no-such-service", NULL};
    ck_assert_int_eq (qs_am_fire (&s_am, again, "x", 0), 0);
    last = s_last_delivery ("incident.opened");
    ck_assert_msg (last, "no delivery to the redirecting hook");
    ck_assert (!qs_json_bool (last, "ok", true));
    ck_assert_int_eq (qs_json_int (last, "status", 0), 302);
    json_object_put (last);
    json_object *all = qs_hook_received (hook);
    for (size_t k = 0; k < json_object_array_length (all); k++)
        ck_assert_str_ne (qs_json_str (json_object_array_get_idx (all, k), "path", ""), "/hook-followed");
    json_object_put (all);
    /* another org sees none of it */
    ck_assert_int_eq (qs_harness_http ("GET", qs_harness_gateway (s_h), "/api/v1/settings/notifications", s_globex, NULL, &r), 200);
    ck_assert (json_object_is_type (json_object_object_get (r, "webhook_url"), json_type_null));
    json_object_put (r);
    ck_assert_int_eq (s_put_webhook (s_admin, NULL), 200);
    qs_hook_destroy (&hook);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("alerts_am");
    TCase *tc = tcase_create ("alertmanager");
    tcase_add_unchecked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 120);
    tcase_add_test (tc, test_fire_repeat_resolve);
    tcase_add_test (tc, test_unmatched_and_pod_label);
    tcase_add_test (tc, test_direct_payload_rules);
    tcase_add_test (tc, test_notifications);
    suite_add_tcase (s, tc);
    return s;
}

int
main (void)
{
    if (!qs_am_binary ()) {
        fprintf (stderr, "prometheus-alertmanager is not installed (scripts/install-deps): skipped\n");
        return 77;
    }
    const char *needs[] = {"tests/sandbox/quickspin-sandbox", "gateway/quickspin-gateway",
                           "workflow-svc/quickspin-workflow", "cli/quickspin", NULL};
    return qs_harness_main (s_suite, needs);
}
