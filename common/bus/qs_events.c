/*  qs_events - see qs_events.h */
#include "qs_events.h"
#include <stdio.h>
#include <string.h>
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_worker_private.h"

bool
qs_events_topic_valid (const char *topic)
{
    size_t len = topic ? strlen (topic) : 0;
    if (len == 0 || len > QS_EVENTS_TOPIC_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = topic [i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
            return false;
    }
    return true;
}

bool
qs_events_org_valid (const char *org_id)
{
    size_t len = org_id ? strlen (org_id) : 0;
    if (len == 0 || len > QS_EVENTS_ORG_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char) org_id [i] <= ' ' || org_id [i] == 0x7f)
            return false;
    return true;
}

json_object *
qs_events_body (const char *topic, const char *org_id, const char *request_id, json_object **data_p)
{
    json_object *body = data_p && *data_p && json_object_is_type (*data_p, json_type_object)
                      ? *data_p : json_object_new_object ();
    if (data_p && *data_p && *data_p != body)
        json_object_put (*data_p);
    if (data_p)
        *data_p = NULL;
    json_object_object_del (body, "token");
    char now [40];
    qs_json_add_str (body, "topic", topic);
    qs_json_add_str (body, "org_id", org_id);
    qs_json_add_str (body, "time", qs_time_rfc3339 (qs_now_ms (), now, sizeof now));
    if (request_id && *request_id)
        qs_json_add_str (body, "request_id", request_id);
    return body;
}

int
qs_events_send (qs_client_t *client, const char *topic, const char *org_id,
                const char *request_id, json_object **data_p)
{
    if (!client || !qs_events_topic_valid (topic) || !qs_events_org_valid (org_id)) {
        if (data_p) {
            json_object_put (*data_p);
            *data_p = NULL;
        }
        return -1;
    }
    json_object *body = qs_events_body (topic, org_id, request_id, data_p);
    int rc = qs_client_publish (client, topic, org_id, qs_json_text (body));
    json_object_put (body);
    return rc;
}

int
qs_events_publish (qs_req_t *req, const char *topic, json_object **data_p)
{
    qs_client_t *client = req && req->client_p ? *req->client_p : NULL;
    if (req && !req->local && req->client_p && !client) {
        /* the handler thread's client for nested calls, made on first use */
        client = qs_client_new (req->endpoint);
        *req->client_p = client;
    }
    if (!req || req->local || !client) {
        if (data_p) {
            json_object_put (*data_p);
            *data_p = NULL;
        }
        return -1;
    }
    int rc = qs_events_send (client, topic, req->env.auth.org_id, req->env.request_id, data_p);
    if (rc != 0)
        qs_debug (req->env.request_id, "events: %s not published", topic);
    return rc;
}

/* ---- one-line helpers ---- */

static void
s_copy (json_object *to, const char *to_key, json_object *from, const char *from_key)
{
    json_object *value;
    if (from && json_object_object_get_ex (from, from_key, &value) && value
    &&  !json_object_is_type (value, json_type_object) && !json_object_is_type (value, json_type_array))
        json_object_object_add (to, to_key, json_object_get (value));
}

int
qs_events_action (qs_req_t *req, const char *topic, json_object *action)
{
    if (!action)
        return -1;
    json_object *data = json_object_new_object ();
    s_copy (data, "action_id", action, "id");
    s_copy (data, "type", action, "type");
    s_copy (data, "status", action, "status");
    s_copy (data, "summary", action, "summary");
    s_copy (data, "conversation_id", action, "conversation_id");
    json_object *config = qs_json_get (action, "config", json_type_object);
    json_object *result = qs_json_get (action, "result", json_type_object);
    s_copy (data, "service_id", config, "service_id");
    s_copy (data, "service_id", result, "service_id");
    s_copy (data, "service_type", config, "service_type");
    if (result && qs_json_get (result, "error", json_type_string))
        qs_json_add_str (data, "error", "the action failed");   /* no upstream text: it may echo input */
    return qs_events_publish (req, topic, &data);
}

int
qs_events_service (qs_req_t *req, const char *topic, json_object *service)
{
    if (!service)
        return -1;
    json_object *data = json_object_new_object ();
    s_copy (data, "service_id", service, "id");
    static const char *keys [] = {"name", "service_type", "tier", "status", "region", "environment", NULL};
    for (int i = 0; keys [i]; i++)
        s_copy (data, keys [i], service, keys [i]);
    return qs_events_publish (req, topic, &data);
}

int
qs_events_diagnosis (qs_req_t *req, json_object *state)
{
    json_object *diagnosis = qs_json_get (state, "diagnosis", json_type_object);
    if (!diagnosis)
        return -1;
    json_object *service = qs_json_get (state, "service", json_type_object);
    json_object *data = json_object_new_object ();
    s_copy (data, "service_id", service, "id");
    s_copy (data, "service_name", service, "name");
    s_copy (data, "service_type", service, "service_type");
    json_object *codes = json_object_new_array ();
    json_object *findings = json_object_new_array ();
    json_object *list = qs_json_get (diagnosis, "findings", json_type_array);
    for (size_t i = 0; list && i < json_object_array_length (list); i++) {
        json_object *f = json_object_array_get_idx (list, i);
        json_object *entry = json_object_new_object ();
        s_copy (entry, "code", f, "code");
        s_copy (entry, "severity", f, "severity");
        json_object_array_add (codes, json_object_new_string (qs_json_str (f, "code", "")));
        json_object_array_add (findings, entry);
    }
    json_object_object_add (data, "codes", codes);
    json_object_object_add (data, "findings", findings);
    return qs_events_publish (req, QS_EVENT_DIAGNOSIS_FINISHED, &data);
}

int
qs_events_recommendations_changed (qs_req_t *req, json_object *action)
{
    const char *type = qs_json_str (action, "type", "");
    const char *status = qs_json_str (action, "status", "");
    if (strcmp (status, "executed") != 0 || !strcmp (type, "restart") || !strcmp (type, "restart_pod")
    ||  !*type)
        return -1;
    json_object *data = json_object_new_object ();
    qs_json_add_str (data, "reason", "action.executed");
    s_copy (data, "action_id", action, "id");
    s_copy (data, "type", action, "type");
    json_object *result = qs_json_get (action, "result", json_type_object);
    json_object *config = qs_json_get (action, "config", json_type_object);
    s_copy (data, "service_id", config, "service_id");
    s_copy (data, "service_id", result, "service_id");
    return qs_events_publish (req, QS_EVENT_RECOMMENDATIONS_CHANGED, &data);
}
