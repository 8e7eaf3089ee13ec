/*  qs_wf_events - see qs_wf_events.h */
#include "qs_wf_events.h"
#include "qs_json.h"
#include <string.h>

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
    int rc = qs_events_publish (req, topic, &data);
    json_object *audit = qs_json_get (action, "audit", json_type_array);
    for (size_t i = 0; audit && i < json_object_array_length (audit); i++)
        qs_events_audit (req, json_object_array_get_idx (audit, i));
    return rc;
}

int
qs_events_audit (qs_req_t *req, json_object *entry)
{
    if (!entry)
        return -1;
    json_object *data = json_object_new_object ();
    static const char *keys[] = {"seq", "event", "actor", "action_id", "type", "service_id",
                                 "summary", "prev_hash", "hash", NULL};
    for (int i = 0; keys[i]; i++)
        s_copy (data, keys[i], entry, keys[i]);
    return qs_events_publish (req, QS_EVENT_AUDIT_APPENDED, &data);
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
