/*  qs_e2e - the whole suite on loopback for end-to-end tests: the sandbox
    (platform + Kubernetes API), the broker, every worker and the gateway,
    each a real process on fresh ports with a fresh data directory. */
#ifndef QS_E2E_H
#define QS_E2E_H

#include <json-c/json.h>
#include "qs_harness.h"

typedef struct {
    char gateway[64];           /* http://127.0.0.1:<port> */
    char sandbox[64];
    char broker[64];
    char data_dir[256];
    qs_proc_t *procs[16];
    char *names[16];
    int nprocs;
} qs_e2e_t;

/*  Start everything and wait until the gateway is ready. 0 or -1. */
int qs_e2e_start (qs_e2e_t *e);
/*  Start one more worker of a service ("workflow", ...); returns its process
    (lent, stopped by qs_e2e_stop). */
qs_proc_t *qs_e2e_add_worker (qs_e2e_t *e, const char *service, const char *tag);
void qs_e2e_stop (qs_e2e_t *e);

/*  A dev token for sub/org/roles ("member,admin"). Caller frees. */
char *qs_e2e_token (const char *sub, const char *org, const char *roles);

/*  HTTP to base+path with token and a JSON body text (may be NULL).
    Returns the status (0 = no answer); *json_p (may be NULL) gets the parsed
    body (caller puts). */
long qs_e2e_http (const char *method, const char *base, const char *path, const char *token,
                  const char *body, json_object **json_p);

#endif
