/*  qs_notifier - see qs_notifier.h */
#include "qs_notifier.h"
#include "qs_http.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_urlguard.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct _qs_notifier_t {
    qs_settings_t *settings;
    char *allow_hosts;
    qs_notify_t *queue;
};

/*  A finished delivery becomes the org's last delivery (the queue's thread). */
static void
s_done (void *arg, const char *org_id, const qs_notify_result_t *r)
{
    qs_notifier_t *self = arg;
    json_object *o = json_object_new_object ();
    char at[40];
    qs_json_add_str (o, "at", qs_time_rfc3339 (r->at_ms, at, sizeof at));
    qs_json_add_bool (o, "ok", r->ok);
    if (r->status > 0)
        qs_json_add_int (o, "status", r->status);
    else
        json_object_object_add (o, "status", NULL);
    json_object_object_add (o, "error", r->ok ? NULL : json_object_new_string (r->error));
    qs_json_add_str (o, "event", r->event);
    qs_json_add_int (o, "attempts", r->attempts);
    qs_err_t err = {0};
    if (qs_settings_notify_set_result (self->settings, org_id, o, &err) != 0)
        qs_warn (NULL, "notify: cannot record the delivery of %s: %s", r->event, err.message);
    json_object_put (o);
}

qs_notifier_t *
qs_notifier_new (qs_settings_t *settings, const char *allow_hosts, const qs_notify_config_t *tuning)
{
    qs_notifier_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->settings = settings;
    self->allow_hosts = strdup (allow_hosts ? allow_hosts : "");
    qs_notify_config_t cfg = tuning ? *tuning : (qs_notify_config_t) {0};
    cfg.send = qs_notifier_send;
    cfg.done = s_done;
    cfg.arg = self;
    self->queue = self->allow_hosts ? qs_notify_new (&cfg) : NULL;
    if (!self->queue)
        qs_notifier_destroy (&self);
    return self;
}

void
qs_notifier_destroy (qs_notifier_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_notifier_t *self = *self_p;
    qs_notify_destroy (&self->queue);
    free (self->allow_hosts);
    free (self);
    *self_p = NULL;
}

void
qs_notifier_event (qs_notifier_t *self, const char *org_id, const char *event, const char *text,
                   json_object *data)
{
    if (!self)
        return;
    qs_err_t err = {0};
    json_object *s = qs_settings_notify_get (self->settings, org_id, &err);
    const char *url = qs_json_str (s, "webhook_url", NULL);
    if (url && qs_notify_enqueue (self->queue, org_id, url, event, text, data) != 0)
        qs_warn (NULL, "notify: queue full, %s for the organisation dropped", event);
    json_object_put (s);
}

void
qs_notifier_action (qs_notifier_t *self, const char *org_id, json_object *action)
{
    if (!self || !action)
        return;
    bool failed = !strcmp (qs_json_str (action, "status", ""), "failed");
    const char *event = failed ? "action.failed" : "action.executed";
    char text[400];
    snprintf (text, sizeof text, "%s: %s", failed ? "Action failed" : "Action executed",
              qs_json_str (action, "summary", qs_json_str (action, "type", "")));
    json_object *data = json_object_new_object (), *a = json_object_new_object ();
    static const char *keys[] = {"id", "type", "status", "summary", "conversation_id", NULL};
    for (int i = 0; keys[i]; i++)
        if (qs_json_str (action, keys[i], NULL))
            qs_json_add_str (a, keys[i], qs_json_str (action, keys[i], ""));
    const char *sid = qs_json_str (qs_json_get (action, "config", json_type_object), "service_id",
                                   qs_json_str (qs_json_get (action, "result", json_type_object), "service_id", NULL));
    if (sid)
        qs_json_add_str (a, "service_id", sid);
    json_object_object_add (data, "action", a);
    qs_notifier_event (self, org_id, event, text, data);
    json_object_put (data);
}

/* ---- the sender ----------------------------------------------------------- */

int
qs_notifier_send (void *arg, const char *url, const char *body, int timeout_ms, char *why,
                  size_t size)
{
    qs_notifier_t *self = arg;
    qs_urlguard_target_t target;
    qs_err_t err = {0};
    if (qs_urlguard_check (url, self->allow_hosts, &target, &err) != 0) {
        snprintf (why, size, "%s", err.message);
        return 422;             /* final: the URL is no longer allowed */
    }
    char pin[400] = "";
    if (!strchr (target.host, ':'))         /* a name or IPv4: pin what was checked */
        snprintf (pin, sizeof pin, strchr (target.address, ':') ? "%s:%d:[%s]" : "%s:%d:%s",
                  target.host, target.port, target.address);
    qs_http_t *http = qs_http_new ();       /* its own: the pin stays in its DNS cache */
    if (!http) {
        snprintf (why, size, "out of memory");
        return -1;
    }
    qs_http_req_t req = {
        .method = "POST", .url = url, .body = body, .body_len = strlen (body),
        .timeout_ms = timeout_ms, .max_body = 64 * 1024, .resolve = pin[0] ? pin : NULL,
    };
    qs_http_resp_t resp = {0};
    int status = -1;
    if (qs_http_perform (http, &req, &resp) == 0) {
        status = (int) resp.status;
        if (status >= 300 && status < 400)
            snprintf (why, size, "the webhook answered HTTP %d (a redirect is not followed)", status);
    }
    else
        snprintf (why, size, "no answer from the webhook: %s", resp.detail);
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
    return status;
}

/* ---- the ops ---------------------------------------------------------------- */

static int
s_answer (qs_req_t *req, qs_notifier_t *self, const char *org_id)
{
    qs_err_t err = {0};
    json_object *s = qs_settings_notify_get (self->settings, org_id, &err);
    if (!s)
        return qs_req_fail_err (req, &err);
    const char *url = qs_json_str (s, "webhook_url", NULL);
    if (url) {
        char masked[QS_URLGUARD_URL_MAX + 64];
        qs_settings_mask_url (url, masked, sizeof masked);
        qs_json_add_str (s, "webhook_url", masked);
    }
    return qs_req_reply (req, &s);
}

int
qs_notifier_get_op (qs_req_t *req, void *arg)
{
    return s_answer (req, arg, qs_req_auth (req)->org_id);
}

int
qs_notifier_put_op (qs_req_t *req, void *arg)
{
    qs_notifier_t *self = arg;
    const char *org_id = qs_req_auth (req)->org_id;
    json_object *body = qs_req_body (req), *url = NULL;
    if (!json_object_object_get_ex (body, "webhook_url", &url))
        return qs_req_fail (req, 400, "bad_request", "\"webhook_url\" is required (a URL, or null to turn notifications off)");
    if (url && !json_object_is_type (url, json_type_string))
        return qs_req_fail (req, 400, "bad_request", "\"webhook_url\" must be a string or null");
    qs_err_t err = {0};
    qs_urlguard_target_t target;
    const char *text = url ? json_object_get_string (url) : NULL;
    if (text && qs_urlguard_check (text, self->allow_hosts, &target, &err) != 0)
        return qs_req_fail_err (req, &err);
    if (qs_settings_notify_set_url (self->settings, org_id, text, &err) != 0)
        return qs_req_fail_err (req, &err);
    qs_info (qs_req_id (req), "notify: webhook %s for the organisation", text ? "set" : "cleared");
    return s_answer (req, self, org_id);
}
