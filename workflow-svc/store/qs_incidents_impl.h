/*  qs_incidents_impl - private to the incidents repository: its two
    backends, called by the front (qs_incidents.c) with checked input. */
#ifndef QS_INCIDENTS_IMPL_H
#define QS_INCIDENTS_IMPL_H

#include "qs_db.h"
#include "qs_incidents.h"
#include "qs_json.h"
#include "qs_util.h"

typedef struct {
    char id[QS_ID_LEN + 1];      /* for a new incident */
    const qs_incident_in_t *in;  /* service_id/service_name NULL when unmatched */
    int64_t now, at;
} qs_incident_rec_t;

/*  The record builder both backends share: a new Incident. */
json_object *qs_incident_row (const char *id, const char *fingerprint, const char *alertname,
                              const char *service_id, const char *service_name,
                              const char *status, int64_t opened, int64_t resolved,
                              int64_t received, const char *diagnosis, const char *severity,
                              const char *summary, int64_t updated);

int qs_incidents_lite_init (qs_lite_t *lite, qs_err_t *err);
json_object *qs_incidents_lite_record (qs_lite_t *lite, const char *org, const qs_incident_rec_t *r,
                                       bool *opened, qs_err_t *err);
int qs_incidents_lite_claim (qs_lite_t *lite, const char *org, const char *id, int64_t now,
                             int64_t until, qs_err_t *err);
int qs_incidents_lite_diagnosis (qs_lite_t *lite, const char *org, const char *id,
                                 const char *diagnosis, int64_t now, qs_err_t *err);
json_object *qs_incidents_lite_get (qs_lite_t *lite, const char *org, const char *id,
                                    qs_err_t *err);
json_object *qs_incidents_lite_list (qs_lite_t *lite, const char *org, const char *status,
                                     int limit, qs_err_t *err);

int qs_incidents_mongo_init (qs_mongo_t *mongo, qs_err_t *err);
json_object *qs_incidents_mongo_record (qs_mongo_t *mongo, const char *org,
                                        const qs_incident_rec_t *r, bool *opened, qs_err_t *err);
int qs_incidents_mongo_claim (qs_mongo_t *mongo, const char *org, const char *id, int64_t now,
                              int64_t until, qs_err_t *err);
int qs_incidents_mongo_diagnosis (qs_mongo_t *mongo, const char *org, const char *id,
                                  const char *diagnosis, int64_t now, qs_err_t *err);
json_object *qs_incidents_mongo_get (qs_mongo_t *mongo, const char *org, const char *id,
                                     qs_err_t *err);
json_object *qs_incidents_mongo_list (qs_mongo_t *mongo, const char *org, const char *status,
                                      int limit, qs_err_t *err);

#endif
