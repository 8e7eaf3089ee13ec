/*  qs_sbx_platform - the QuickSpin platform API of contract section 5, as
    the sandbox serves it: services (list, get, provision with
    Idempotency-Key, patch, delete), metrics, logs, pricing and quotas.
    Socket-free: takes a request value, fills a response value. */
#ifndef QS_SBX_PLATFORM_H
#define QS_SBX_PLATFORM_H

#include "qs_sbx_msg.h"
#include "qs_sbx_world.h"

#define QS_SBX_MAX_REPLICAS 10

/*  Serve one /api/v1/... request. secret verifies the bearer JWT (HS256).
    Always fills resp (errors in the {"error":{...}} shape). */
void qs_sbx_platform_handle (qs_sbx_world_t *world, const char *secret,
                             const qs_sbx_req_t *req, qs_sbx_resp_t *resp);

/*  The Service JSON object of contract section 5. New object. */
json_object *qs_sbx_platform_service_json (const qs_sbx_service_t *svc);

#endif
