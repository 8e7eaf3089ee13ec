/*  qs_incidents - the incidents repository (contract section 11): what
    Alertmanager reported, per organisation, on the store's database
    (SQLite or MongoDB, same behaviour; tests/workflow/store).

    Incident: {"id","fingerprint","alertname","service_id"|null,
    "service_name"|null,"status":"firing|resolved","opened_at",
    "resolved_at"|null,"alerts_received","diagnosis"|null,"severity",
    "summary","updated_at"} (times RFC 3339 UTC). service_id null = an
    unmatched alert: kept, never dropped.

    While an incident of a fingerprint is firing, the same fingerprint
    counts into it (one unique key per organisation: the fingerprint while
    firing, the incident's own id once resolved), so two workers receiving
    the same alert at once still open one incident. Every call is scoped by
    org_id: another organisation's incident answers 404 like a missing one.
    Returned objects are new (caller puts); inputs are lent. Thread-safe
    like the store. */
#ifndef QS_INCIDENTS_H
#define QS_INCIDENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"
#include "qs_store.h"

typedef struct _qs_incidents_t qs_incidents_t;

#define QS_INCIDENTS_LIMIT_MAX 200

/*  The repository on store's database (lent; must outlive it): creates or
    migrates its schema. NULL with err on failure. */
qs_incidents_t *qs_incidents_new (qs_store_t *store, qs_err_t *err);
void qs_incidents_destroy (qs_incidents_t **self_p);

/*  One alert as the receiver read it (all lent). */
typedef struct {
    bool firing;
    const char *fingerprint;      /* 1..64 characters */
    const char *alertname, *severity, *summary;
    const char *service_id, *service_name;   /* NULL or "" = unmatched */
    int64_t at_ms;                /* when it started / ended; 0 = now */
} qs_incident_in_t;

/*  Record one alert. Firing: opens an incident (*opened true) or counts
    into the firing one of that fingerprint (alerts_received + 1, alertname,
    severity, summary and service refreshed). Resolved: resolves the firing
    one (resolved_at = in->at_ms or now); 404 when none is firing. Returns
    the Incident, or NULL with err (400 bad input, 404, 503). */
json_object *qs_incidents_record (qs_incidents_t *self, const char *org_id,
                                  const qs_incident_in_t *in, bool *opened, qs_err_t *err);

/*  Claim the right to diagnose a firing incident that has no diagnosis
    yet, for lease_ms (another claim waits until it ends): 1 claimed, 0 not
    (diagnosed, resolved, or someone else holds the lease), -1 with err. */
int qs_incidents_claim (qs_incidents_t *self, const char *org_id, const char *id,
                        int64_t lease_ms, qs_err_t *err);

/*  Store the diagnosis (lent object) on the incident and end the lease.
    0, or -1 with err (404, 413 beyond QS_STORE_META_MAX). */
int qs_incidents_set_diagnosis (qs_incidents_t *self, const char *org_id, const char *id,
                                json_object *diagnosis, qs_err_t *err);

json_object *qs_incidents_get (qs_incidents_t *self, const char *org_id, const char *id,
                               qs_err_t *err);

/*  The organisation's incidents, newest opened first, as an array; status
    NULL or "" = all, else "firing" or "resolved" (400 otherwise); limit 0 =
    50, else 1..QS_INCIDENTS_LIMIT_MAX (400 outside). */
json_object *qs_incidents_list (qs_incidents_t *self, const char *org_id, const char *status,
                                int limit, qs_err_t *err);

#endif
