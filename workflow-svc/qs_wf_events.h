/*  qs_wf_events - what the workflow publishes on the event stream
    (proto/client.md, "Events"): its topics and one-line helpers that copy
    only public fields of an action, a service or a diagnosis into an event
    (qs_events_publish does the sending). The helpers keep the qs_events_
    names they had in common/bus. */
#ifndef QS_WF_EVENTS_H
#define QS_WF_EVENTS_H

#include "qs_events.h"

/* The workflow's topics (more may be added; subscribers ignore unknown ones). */
#define QS_EVENT_ACTION_PENDING   "action.pending"
#define QS_EVENT_ACTION_EXECUTED  "action.executed"
#define QS_EVENT_ACTION_FAILED    "action.failed"
#define QS_EVENT_ACTION_CANCELLED "action.cancelled"
#define QS_EVENT_SERVICE_PROVISIONED "service.provisioned"
#define QS_EVENT_DIAGNOSIS_FINISHED  "diagnosis.finished"
#define QS_EVENT_RECOMMENDATIONS_CHANGED "recommendations.changed"
#define QS_EVENT_AUDIT_APPENDED   "audit.appended"

/*  An Action event (topic action.*): action_id, type, status, summary,
    conversation_id and service_id (from config or result) when present.
    Then one audit.appended per entry the store appended with that change
    (the Action's "audit" member, qs_store.h). */
int qs_events_action (qs_req_t *req, const char *topic, json_object *action);
/*  audit.appended for an AuditEntry: seq, event, actor, action_id, type,
    service_id, summary, prev_hash, hash (no details). */
int qs_events_audit (qs_req_t *req, json_object *entry);
/*  service.provisioned (or another service.* topic): id, name,
    service_type, tier, status, region, environment of a Service. */
int qs_events_service (qs_req_t *req, const char *topic, json_object *service);
/*  diagnosis.finished from a diagnose run's state: service_id,
    service_name, codes [..] and findings [{code, severity}] (no evidence:
    it may quote logs). */
int qs_events_diagnosis (qs_req_t *req, json_object *state);
/*  recommendations.changed after an executed action that changes what the
    org pays (provision, tier, replicas, HA, backups, delete); nothing for
    other actions (a restart). */
int qs_events_recommendations_changed (qs_req_t *req, json_object *action);

#endif
