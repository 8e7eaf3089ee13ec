/*  qs_alerts - Alertmanager's webhook payload (version "4", contract
    section 11) read into typed alerts, before anything is stored.

    Each alert keeps what ties it to a service (quickspin_service_id, else
    quickspin_service, else namespace + pod), its identity (fingerprint;
    when Alertmanager sent none, one is derived from the labels) and what a
    person reads (alertname, severity, summary). */
#ifndef QS_ALERTS_H
#define QS_ALERTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include "qs_err.h"

#define QS_ALERTS_MAX 500          /* alerts in one notification */

typedef struct {
    bool firing;                   /* status "firing" (else "resolved") */
    char fingerprint[65];
    char alertname[128];
    char severity[32];
    char summary[512];             /* annotations.summary, else description */
    char service_id[64];           /* label quickspin_service_id */
    char service_name[128];        /* label quickspin_service */
    char namespace_name[64];       /* label namespace */
    char pod[254];                 /* label pod */
    int64_t starts_at_ms;          /* 0 when absent */
    int64_t ends_at_ms;            /* 0 when absent or Alertmanager's zero time */
} qs_alert_t;

typedef struct {
    qs_alert_t *alerts;            /* owned */
    size_t count;
    char receiver[128];
} qs_alert_batch_t;

/*  Read payload (lent) into *batch. 0, or -1 with err: 400 bad_request
    (not the v4 shape: what is wrong, and at which alert), 413 over
    QS_ALERTS_MAX alerts. *batch is empty on failure. */
int qs_alerts_parse (json_object *payload, qs_alert_batch_t *batch, qs_err_t *err);

/*  Free what parse allocated; accepts an empty batch. */
void qs_alerts_free (qs_alert_batch_t *batch);

#endif
