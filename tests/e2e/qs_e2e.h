/*  qs_e2e - the whole suite on loopback for end-to-end tests: the sandbox
    (platform + Kubernetes API), the broker, every worker and the gateway,
    each a real process on fresh ports with a fresh data directory. */
#ifndef QS_E2E_H
#define QS_E2E_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_harness.h"

typedef struct {
    char gateway[64];           /* http://127.0.0.1:<port> */
    char sandbox[64];
    char broker[128];           /* one endpoint, or both brokers comma-separated */
    char data_dir[256];
    qs_proc_t *procs[16];
    char *names[16];
    int nprocs;
    /* qs_e2e_start_opts: the brokers' own endpoints (broker lists them all,
       comma-separated), each process's binary and the extra environment */
    char brokers[2][48];
    int nbrokers;
    char *rels[16];
    const char *const *extra;
} qs_e2e_t;

typedef struct {
    int brokers;                /* 0 or 1: one broker; 2: two ("broker", "broker2") */
    const char *const *env;     /* more "KEY=VALUE" for every process (lent, NULL-ended;
                                   must outlive e: restarts reuse it) */
    bool wait_ready;            /* wait for readiness 200 before returning */
} qs_e2e_opts_t;

/*  Start everything and wait until the gateway is ready. 0 or -1. */
int qs_e2e_start (qs_e2e_t *e);
/*  Like qs_e2e_start with options (several brokers, extra environment). */
int qs_e2e_start_opts (qs_e2e_t *e, const qs_e2e_opts_t *opts);
/*  The process named name ("broker", "broker2", "gateway", "workflow", ...), lent; NULL if none. */
qs_proc_t *qs_e2e_proc (qs_e2e_t *e, const char *name);
/*  Start the named process again (same binary and environment) once it has
    exited (kill it and qs_proc_wait first). Returns the new process (lent). */
qs_proc_t *qs_e2e_restart (qs_e2e_t *e, const char *name);

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

/*  Every entry of the caller's audit view (GET /api/v1/audit, following
    next_cursor with pages of page_size), oldest first, as a new array;
    NULL when a page does not answer 200 with entries. */
json_object *qs_e2e_audit_all (const qs_e2e_t *e, const char *token, int page_size);

#endif
