/*  qs_k8s_api - a small Kubernetes REST client: where the API is, who we
    are (bearer token re-read when it rotates), and JSON/text requests
    bounded by an absolute deadline.

    Threads: an instance keeps one reusable connection and is NOT
    thread-safe: one instance per thread (or your own lock). */
#ifndef QS_K8S_API_H
#define QS_K8S_API_H

#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

#define QS_K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
/*  The bundled sandbox's well-known static token (like the dev JWT secret:
    only ever sent in "default" mode, i.e. to the local sandbox). */
#define QS_K8S_SANDBOX_TOKEN "quickspin-sandbox-k8s-token"

typedef struct {
    char url[512];          /* base URL, no trailing '/' */
    char token_file[512];   /* "" = no token (kubectl proxy, sandbox) */
    char ca_file[512];      /* "" = system trust store */
    char static_token[128]; /* used when token_file is "": the sandbox's in "default" mode */
    char source[16];        /* "env" | "in-cluster" | "default" */
} qs_k8s_config_t;

/*  Resolve the configuration: QS_K8S_API_URL (+ QS_K8S_TOKEN_FILE,
    QS_K8S_CA_FILE) when set; else in-cluster when KUBERNETES_SERVICE_HOST
    is set (https://host:port, token and ca.crt from sa_dir, NULL =
    QS_K8S_SA_DIR); else default_url (the bundled sandbox, with its static
    token QS_SANDBOX_K8S_TOKEN or QS_K8S_SANDBOX_TOKEN; may be NULL, then -1). URLs must be http:// or https://. 0, or -1 with err. */
int qs_k8s_config_resolve (qs_k8s_config_t *cfg, const char *sa_dir, const char *default_url,
                           qs_err_t *err);

typedef struct _qs_k8s_api_t qs_k8s_api_t;

/*  New client over cfg (copied). NULL on allocation failure. */
qs_k8s_api_t *qs_k8s_api_new (const qs_k8s_config_t *cfg);
/*  Free (the token is wiped) and null; accepts NULL. */
void qs_k8s_api_destroy (qs_k8s_api_t **self_p);

/*  One request. path starts with '/' and is already escaped. body may be
    NULL; content_type NULL = application/json. GET, DELETE and PATCH are
    retried on transport errors, 429 and 5xx within the deadline; a 401
    re-reads the token once. On any HTTP answer *status_p is set (0 when
    none). On 2xx returns 0 and *text_p (when given) is the body (caller
    frees). Otherwise -1 with err mapped for a user: 404 not_found (what
    names the object), 400/409/422 passed on with Kubernetes' message,
    401/403 -> 503 k8s_unauthorized/k8s_forbidden (a deployment problem, not
    the user's), 5xx -> 503 k8s_unavailable, connection -> 503
    k8s_unreachable, timeout -> 504 k8s_timeout. */
int qs_k8s_api_request (qs_k8s_api_t *self, const char *method, const char *path,
                        const char *body, const char *content_type, int64_t deadline_ms,
                        const char *request_id, const char *what, long *status_p,
                        char **text_p, qs_err_t *err);

/*  GET path and parse a JSON object: *obj_p new (caller puts). A body that is
    not a JSON object is 502 k8s_bad_response. 0 or -1 (status as above). */
int qs_k8s_api_get_json (qs_k8s_api_t *self, const char *path, int64_t deadline_ms,
                         const char *request_id, const char *what, long *status_p,
                         json_object **obj_p, qs_err_t *err);

/*  The token currently in use was read from the file this many times
    (tests observe rotation through it). */
int qs_k8s_api_token_reads (qs_k8s_api_t *self);

/*  The base URL (lent). */
const char *qs_k8s_api_url (qs_k8s_api_t *self);

#endif
