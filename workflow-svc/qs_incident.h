/*  qs_incident - the Alertmanager receiver and the incidents ops (contract
    section 11).

    alert_receive (POST /api/v1/alerts/alertmanager): reads the payload
    (qs_alerts), ties each alert to a service of the caller's organisation
    (label quickspin_service_id, else quickspin_service = the name, else
    namespace + pod: a namespace of one of the org's services and a pod
    that carries that service's quickspin.io/service-id label, asked of
    k8s-svc), records it (qs_incidents: one incident per firing
    fingerprint; an unknown service is stored unmatched) and answers at
    once (matching takes at most 3 s: past it, alerts are stored
    unmatched). Only then are the new incidents diagnosed, on the triage
    threads of this module (the diagnose flow's own gather and analyze,
    qs_diagnose_service), whatever the diagnosis takes: Alertmanager's
    timeout never waits for it. A lease in the store (qs_incidents_claim)
    keeps two workers from diagnosing one incident at once. The findings
    go on the incident and into the org's diagnosis history, so the chat's
    "last time this happened" sees them; opened and resolved incidents are
    notified (qs_notifier).

    incidents_list (GET /api/v1/incidents?status=&limit=): {"incidents":[...]}
    of the caller's organisation, newest first. */
#ifndef QS_INCIDENT_H
#define QS_INCIDENT_H

#include "qs_incidents.h"
#include "qs_notifier.h"
#include "qs_wf.h"

typedef struct _qs_incident_t qs_incident_t;

/*  wf, repo and notifier (may be NULL) are lent and must outlive it.
    Starts `threads` triage threads (1..8). NULL on failure. */
qs_incident_t *qs_incident_new (qs_wf_t *wf, qs_incidents_t *repo, qs_notifier_t *notifier,
                                int threads);
/*  Stop the triage threads (a diagnosis in flight finishes; queued ones
    are dropped: their lease was never taken, a re-fired alert retries). */
void qs_incident_destroy (qs_incident_t **self_p);

/*  The ops (arg: the qs_incident_t). */
int qs_incident_alert_op (qs_req_t *req, void *arg);
int qs_incident_list_op (qs_req_t *req, void *arg);

/*  Diagnoses queued or running (tests, metrics). */
size_t qs_incident_pending (qs_incident_t *self);

#endif
