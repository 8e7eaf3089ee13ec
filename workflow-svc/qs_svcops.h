/*  qs_svcops - the caller's services as bus ops (contract section 11: what
    the MCP tools read). Each takes the qs_wf_t as arg and reaches the
    platform with the caller's own token, so it only ever sees the caller's
    organisation.
      services_list     {} -> {"services":[Service]}
      service_get       {"service": name or id} -> Service
      service_diagnose  {"service"} -> the diagnosis of the diagnose flow
                        {"service_id","findings","recommendations","status",...}
      connection_info   {"service"} -> {"service_id","name","service_type",
                        "connection":{...},"note"} (never a password)
    An unknown service is 404 not_found naming only the caller's services. */
#ifndef QS_SVCOPS_H
#define QS_SVCOPS_H

#include <json-c/json.h>
#include "qs_err.h"
#include "qs_worker.h"

int qs_svcops_list_op (qs_req_t *req, void *arg);
int qs_svcops_get_op (qs_req_t *req, void *arg);
int qs_svcops_diagnose_op (qs_req_t *req, void *arg);
int qs_svcops_connection_op (qs_req_t *req, void *arg);

/*  The service ref names among services (array of Service, lent): by id,
    else by exact name, else by a forgiving match (case and - _ . space
    ignored, then a unique part of a name). Returns it (lent from services),
    or NULL with err 404 (several or none, naming the candidates). Pure. */
json_object *qs_svcops_resolve (json_object *services, const char *ref, qs_err_t *err);

/*  A copy of a Service's connection (lent) fit to show: no field named
    like a password or secret, no password in the URI. New object. Pure. */
json_object *qs_svcops_connection (json_object *connection);

#endif
