/*  qs_manage - a change to a running service (contract section 9), in one
    home for the manage flow (direct operations, recommendations, revised
    plans) and the diagnosis's fixes:

      qs_manage_plan*    what changes, checked before anything is asked
                         (pure: role, plan quotas, the platform's limits,
                         nothing to change), with the diff and the monthly
                         cost before and after (qs_pricing, section 5)
      qs_manage_propose_change  the pending action (update_service, delete_service,
                         restart_pod) with service_id and change
      qs_manage_execute  the one platform call (PATCH / DELETE / the pod's
                         DELETE through k8s-svc), never retried, then the
                         service read again

    A refusal is a sentence for the user and no action; nothing changes
    before the user confirms. */
#ifndef QS_MANAGE_H
#define QS_MANAGE_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_auth.h"
#include "qs_config.h"
#include "qs_dialogue.h"
#include "qs_wf.h"

#define QS_MANAGE_MAX_REPLICAS 9

/*  A planned change. */
typedef struct {
    char type[24];              /* update_service / delete_service / restart_pod */
    char service_id[64];
    char service_name[64];
    char pod[128];              /* restart_pod: the pod to delete */
    qs_config_t after;          /* update_service: only the fields that change */
    char summary[400];
    json_object *change;        /* {before, after, monthly_cost_before, monthly_cost_after} (owned) */
} qs_change_t;

void qs_change_clear (qs_change_t *c);

/*  Plan op (lent) on service (a Service, lent) for auth. base (may be NULL):
    the fields an earlier plan already changes (a revision keeps them, op
    overrides). quotas and pricing: the platform's answers (lent; quotas may
    be NULL). Fills *c (cleared first) and returns 0, or returns 1 with why
    (a sentence for the user) when the change is refused or changes nothing.
    Restarts are planned with qs_manage_plan_restart. */
int qs_manage_plan (const qs_dlg_op_t *op, const qs_config_t *base, json_object *service,
                    const qs_auth_t *auth, json_object *quotas, json_object *pricing,
                    qs_change_t *c, char *why, size_t size);

/*  Plan the restart of service's failing pod: the pod the message names,
    else the first that is not running and ready or has restarted, else the
    only pod. pods: PodSummary array (k8s-svc "pods"/"snapshot", lent).
    0, or 1 with why. */
int qs_manage_plan_restart (json_object *service, json_object *pods, const char *message,
                            const qs_auth_t *auth, json_object *pricing, qs_change_t *c,
                            char *why, size_t size);

/*  The failing pod of a PodSummary array (lent; NULL when no pod is failing). */
const char *qs_manage_failing_pod (json_object *pods);

/*  The {before, after, costs} of service with fields (lent; {} for a
    delete: after is status deleted, cost 0). New object. */
json_object *qs_manage_change_json (json_object *service, json_object *fields, bool delete,
                                    json_object *pricing);

/*  Store c as the run's pending action (key "<key_prefix>-<run id>"): config
    {service_id, name, pod?, change}. As qs_wf_propose. */
qs_node_rc_t qs_manage_propose_change (qs_wf_run_t *run, const qs_change_t *c, const char *key_prefix,
                                       qs_err_t *err);

/*  Carry out a confirmed change action (lent: the stored Action) with the
    user's token and the action's idempotency key: exactly one platform call,
    no retry. *service_p: the service read again (new; NULL after a delete or
    when it cannot be read). 0, or -1 with err (the platform's reason). */
int qs_manage_execute (qs_wf_run_t *run, json_object *action, const char *idempotency_key,
                       json_object **service_p, qs_err_t *err);

#endif
