/*  qs_sandbox_proc - run the real quickspin-sandbox binary for integration
    tests: start it on a free loopback port with a test JWT secret and
    Kubernetes token, wait until it answers, drive its control routes
    (reset, faults), mint user tokens, stop it. */
#ifndef QS_SANDBOX_PROC_H
#define QS_SANDBOX_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#define QS_SANDBOX_TEST_SECRET    "integration-test-secret-0123456789"
#define QS_SANDBOX_TEST_K8S_TOKEN "integration-test-k8s-token"

typedef struct {
    pid_t pid;
    char url[64];
} qs_sandbox_proc_t;

/*  Path of the binary from QS_SANDBOX_BIN; NULL when unset or missing. */
const char *qs_sandbox_bin (void);

/*  Start and wait (up to 10 s) for GET /__sandbox/health. 0 or -1. */
int qs_sandbox_start (qs_sandbox_proc_t *sb);
/*  SIGTERM the process we started and reap it. */
void qs_sandbox_stop (qs_sandbox_proc_t *sb);

/*  Start any binary with extra "NAME=value" variables (NULL-terminated).
    Returns the pid, or -1. Stop it with qs_sandbox_kill. */
pid_t qs_sandbox_spawn (const char *bin, const char *const *env_kv);
/*  SIGTERM, wait up to 5 s, then SIGKILL; reaps and zeroes *pid. */
void qs_sandbox_kill (pid_t *pid);

/*  POST /__sandbox/reset (seed again, faults cleared). 0 or -1. */
int qs_sandbox_reset (const qs_sandbox_proc_t *sb);
/*  POST /__sandbox/faults with a rule (JSON text). 0 or -1. */
int qs_sandbox_fault (const qs_sandbox_proc_t *sb, const char *rule_json);

/*  HS256 token for (sub, org, role, tier) valid for an hour, signed with
    QS_SANDBOX_TEST_SECRET, written into out. 0 or -1. */
int qs_sandbox_token (char *out, size_t size, const char *sub, const char *org,
                      const char *role, const char *tier);

#endif
