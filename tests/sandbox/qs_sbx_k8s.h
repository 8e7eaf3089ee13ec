/*  qs_sbx_k8s - the Kubernetes API subset the sandbox serves (contract
    section 6): pods (list by labelSelector, get, log, delete = restart),
    events (fieldSelector), metrics.k8s.io pod metrics, and StatefulSet
    get/patch and its scale subresource. A static bearer token guards it;
    errors are Status objects as the real API server writes them.
    Socket-free. */
#ifndef QS_SBX_K8S_H
#define QS_SBX_K8S_H

#include "qs_sbx_msg.h"
#include "qs_sbx_world.h"
#include <stdbool.h>

#define QS_SBX_K8S_DEFAULT_TOKEN "quickspin-sandbox-k8s-token"

/*  Serve one /api/v1/namespaces/..., /apis/..., /version request. token is
    the bearer token to require. Always fills resp. */
void qs_sbx_k8s_handle (qs_sbx_world_t *world, const char *token, const qs_sbx_req_t *req,
                        qs_sbx_resp_t *resp);

/*  True when the path belongs to the Kubernetes side (namespaced core API,
    /apis/..., /version) rather than the platform API. */
bool qs_sbx_k8s_owns (const char *path);

/*  Does a pod match a label selector ("k=v,k2==v2,k3!=v3,k4,!k5")? -1 when
    the selector cannot be parsed. */
int qs_sbx_k8s_selector_match (const char *selector, const qs_sbx_service_t *svc,
                               const qs_sbx_pod_t *pod);

#endif
