/*  qs_harness - the one way integration tests run the real processes on
    loopback. Two layers:

    qs_proc_t: one child process. Its environment is built before the fork
    (the parent may have zmq threads), it dies with the test (parent-death
    signal), its output goes to <name>.log under $QS_TEST_OUT_DIR or the
    build dir's tests/out, and it can be signalled, waited for, restarted
    with the same binary, arguments and environment, and stopped.

    qs_harness_t: any subset of the suite started from a typed spec: the
    sandbox, N brokers (CURVE when asked), workers of each kind with their
    own environment, the gateway (with its embedded broker or not), a fresh
    data directory and free ports, with readiness waits; one process can be
    killed or restarted by name, and one call stops everything. */
#ifndef QS_HARNESS_H
#define QS_HARNESS_H

#include <check.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "qs_auth.h"

typedef struct _qs_proc_t qs_proc_t;

/*  Start path with argv (NULL-terminated, argv[0] may be NULL = path) and
    env_extra ("KEY=VALUE" strings, NULL-terminated, may be NULL; they
    override this process's environment). Copies what it is given. NULL
    when fork fails. */
qs_proc_t *qs_proc_start (const char *name, const char *path, char *const argv[],
                          char *const env_extra[]);

/*  SIGTERM, wait up to 5 s, then SIGKILL; free; null. Accepts NULL. */
void qs_proc_destroy (qs_proc_t **self_p);

/*  Send a signal (e.g. SIGKILL to simulate a crash). 0 or -1. */
int qs_proc_signal (qs_proc_t *self, int sig);
/*  Wait up to timeout_ms for the process to exit; its exit status (128 +
    signal when killed) or -1. */
int qs_proc_wait (qs_proc_t *self, int timeout_ms);
/*  Send sig (0 = none), wait up to timeout_ms, else SIGKILL. Its exit
    status, 128 + signal when a signal ended it, 137 when it had to be
    killed. An exited process answers its recorded status. */
int qs_proc_stop (qs_proc_t *self, int sig, int timeout_ms);
/*  Start it again (same binary, arguments, environment) once it has
    exited or after stopping it. 0 or -1. */
int qs_proc_restart (qs_proc_t *self);
/*  Still running (not reaped)? Reaps it when it has exited. */
bool qs_proc_alive (qs_proc_t *self);
/*  Reaped already (by a wait, a stop, or alive)? Never waits. */
bool qs_proc_reaped (qs_proc_t *self);
pid_t qs_proc_pid (qs_proc_t *self);
/*  Its name and the path of its log file (lent). */
const char *qs_proc_name (qs_proc_t *self);
const char *qs_proc_log (qs_proc_t *self);
/*  Copy its log to stderr (for a failure's message). */
void qs_proc_print_log (qs_proc_t *self);

/*  Send sig to pid (0 = none: it is expected to exit by itself), wait up to
    timeout_ms for it to exit, else SIGKILL and reap it. Returns its wait
    status, or -1 when it had to be killed or pid is not a child. */
int qs_harness_stop_pid (pid_t pid, int sig, int timeout_ms);

/*  A TCP port on 127.0.0.1 that was free a moment ago, in 20000-32000
    (below the kernel's ephemeral range, so no outgoing connection holds
    it when a process restarts on it), or -1. */
int qs_free_port (void);

/*  Poll until a TCP connection to 127.0.0.1:port succeeds or timeout_ms
    passes. true when it did. */
bool qs_wait_tcp (int port, int timeout_ms);

/*  Poll url until it answers HTTP want or timeout_ms passes. Returns the
    milliseconds it took, or -1. */
int qs_wait_status (const char *url, long want, int timeout_ms);
/*  Poll url until it answers HTTP 200 or timeout_ms passes. true on 200. */
bool qs_wait_http (const char *url, int timeout_ms);

/*  For test workers: leave the file <what>-<id> in $QS_TEST_MARKER_DIR
    (the harness's data dir) for the test to find; nothing when unset. */
void qs_harness_marker (const char *what, const char *id);

/*  Path of a built binary: $QS_BUILD_DIR/<rel> (meson sets QS_BUILD_DIR in
    the test environment). Caller frees. */
char *qs_build_path (const char *rel);

/*  ---------------------------------------------------------------------
    The suite. */

#define QS_HARNESS_MAX_PROCS   24
#define QS_HARNESS_MAX_BROKERS 4
#define QS_HARNESS_MAX_KINDS   6
/*  The Kubernetes API token the sandbox accepts and the k8s workers use
    (in <data dir>/k8s-token). */
#define QS_HARNESS_K8S_TOKEN   "e2e-k8s-token"

typedef struct {
    const char *kind;           /* "intent", "knowledge", "k8s", "workflow", or a
                                   test worker's name when bin is set; NULL ends */
    int count;                  /* how many (0 = 1): named kind, kind-2, kind-3 ... */
    const char *bin;            /* another binary (a test worker) instead of the service:
                                   absolute, or relative to the build dir */
    const char *const *args;    /* its arguments after argv[0] (NULL-ended, may be NULL) */
    const char *const *env;     /* on top of the suite's environment (NULL-ended) */
} qs_harness_workers_t;

typedef struct {
    /* CURVE files (lent): every broker serves with the secret and the
       allowed keys, every peer knows the public key and uses client_key */
    const char *server_secret_file, *server_public_file, *keys_file, *client_key_file;
} qs_harness_curve_t;

typedef struct {
    bool sandbox;               /* the platform + Kubernetes API fake */
    int brokers;                /* quickspin-broker processes ("broker", "broker2", ...) */
    const qs_harness_curve_t *curve;   /* NULL = plain bus */
    bool service_workers;       /* one worker of each of the four services */
    qs_harness_workers_t workers[QS_HARNESS_MAX_KINDS];   /* more workers */
    bool gateway;               /* quickspin-gateway ("gateway") */
    bool embedded_broker;       /* the gateway runs the broker (then brokers = 0) */
    const char *const *env;     /* more "KEY=VALUE" for every process (lent, NULL-ended;
                                   must outlive the harness: restarts reuse it) */
    const char *log_level;      /* QS_LOG_LEVEL of every process; NULL = inherited */
    int wait_ready_ms;          /* wait for the gateway's readiness 200 (0 = don't) */
    int wait_health_ms;         /* wait for the gateway's liveness 200 (0 = don't) */
} qs_harness_spec_t;

typedef struct _qs_harness_t qs_harness_t;

/*  The whole suite: the sandbox, one broker, one worker of each service
    and the gateway, logging at info, waited for until ready (30 s).
    Change fields before qs_harness_new for a variant. */
qs_harness_spec_t qs_harness_whole (void);

/*  Start what spec asks for on fresh ports with a fresh data directory
    (holding the store qs.db, the Kubernetes token file and markers) and
    wait as asked. NULL when something did not start: what was started is
    stopped and the failing process's log printed. */
qs_harness_t *qs_harness_new (const qs_harness_spec_t *spec);
/*  Stop every process still running (SIGTERM; SIGKILL after 5 s), remove
    the data dir and free. Accepts NULL. */
void qs_harness_destroy (qs_harness_t **self_p);
/*  Stop every process the test has not reaped itself; -1 when one did not
    exit 0 (a crash, an ASan report: its log is printed), else 0. destroy
    still frees. */
int qs_harness_stop (qs_harness_t *self);

/*  The process named name ("sandbox", "broker", "broker2", "gateway",
    "workflow", "workflow-2", ...), lent; NULL if none. */
qs_proc_t *qs_harness_proc (qs_harness_t *self, const char *name);
/*  Start the named process again (SIGTERM first when it still runs): the
    same binary, arguments and environment; a broker is waited for until
    its port answers. Lent; NULL on failure. */
qs_proc_t *qs_harness_restart (qs_harness_t *self, const char *name);
/*  Start more workers (w->count of them) after the start: the first is
    returned (lent, stopped with the rest), NULL on failure. */
qs_proc_t *qs_harness_add (qs_harness_t *self, const qs_harness_workers_t *w);

/*  Addresses (lent): the gateway and sandbox base URLs (http://127.0.0.1:port),
    the bus endpoint every peer uses (all brokers comma-separated), one
    broker's own endpoint (index from 0), the data directory. */
const char *qs_harness_gateway (qs_harness_t *self);
const char *qs_harness_sandbox (qs_harness_t *self);
const char *qs_harness_bus (qs_harness_t *self);
const char *qs_harness_broker (qs_harness_t *self, int index);
const char *qs_harness_dir (qs_harness_t *self);
int qs_harness_gateway_port (qs_harness_t *self);

/*  Poll the gateway's readiness until it answers want. Milliseconds or -1. */
int qs_harness_wait_ready (qs_harness_t *self, long want, int timeout_ms);
/*  Poll one broker's discovery (index from 0) until service has want
    workers (plain bus only). Returns the last count seen. */
int qs_harness_wait_workers (qs_harness_t *self, int broker, const char *service, int want,
                             int timeout_ms);

/*  ---------------------------------------------------------------------
    Talking to it. */

/*  A dev token (the dev secret the suite runs with) for sub/org/roles
    ("member,admin"), tier pro. Caller frees. */
char *qs_harness_token (const char *sub, const char *org, const char *roles);
/*  A secret for suites that start the sandbox or workers with their own:
    "QS_JWT_SECRET=" QS_HARNESS_TEST_SECRET in the spec's env. */
#define QS_HARNESS_TEST_SECRET "integration-test-secret-0123456789"
/*  Fill auth: sub of org with role (its bit) and a token for them signed
    with secret, with a tier. 0 or -1. */
int qs_harness_auth (qs_auth_t *auth, const char *secret, const char *sub, const char *org,
                     const char *role, const char *tier);

/*  HTTP to base+path with token and a JSON body text (may be NULL) within
    timeout_ms (0 = 60 s). Returns the status (0 = no answer); *ms_p (may be
    NULL) its duration; *json_p (may be NULL) the parsed body (caller puts). */
long qs_harness_http_timed (const char *method, const char *base, const char *path,
                            const char *token, const char *body, long timeout_ms,
                            int64_t *ms_p, json_object **json_p);
/*  The same with 60 s and no duration. */
long qs_harness_http (const char *method, const char *base, const char *path,
                      const char *token, const char *body, json_object **json_p);

/*  Every entry of the caller's audit log view (GET base/api/v1/audit,
    following next_cursor with pages of page_size), oldest first, as a new
    array; NULL when a page does not answer 200 with entries. */
json_object *qs_harness_audit_all (const char *base, const char *token, int page_size);

/*  The sandbox's control routes: seed again with faults cleared; add a
    fault rule (JSON text). 0 or -1. */
int qs_harness_sandbox_reset (qs_harness_t *self);
int qs_harness_sandbox_fault (qs_harness_t *self, const char *rule_json);

/*  A user of the suite: after the start, *token_p gets a dev token for
    sub/org/roles (freed and nulled at the stop). A list ends at token_p NULL. */
typedef struct {
    char **token_p;
    const char *sub, *org, *roles;
} qs_harness_user_t;

/*  One suite for a whole test case: start spec (copied; what it points to
    is lent; NULL = qs_harness_whole) in tc's unchecked fixture, before its
    tests fork, mint the users' tokens (users may be NULL), and stop it
    after the tests. qs_harness_fixture_get answers the suite (lent). */
void qs_harness_fixture (TCase *tc, const qs_harness_spec_t *spec,
                         const qs_harness_user_t *users);
qs_harness_t *qs_harness_fixture_get (void);

/*  main() of a suite that needs built binaries (paths relative to the
    build dir, NULL-ended): 77 (skipped) when one is missing, else libcurl
    initialised and the suite run as QS_TEST_MAIN does. */
int qs_harness_main (Suite *(*suite_fn) (void), const char *const *needs);
/*  That main(): QS_HARNESS_MAIN (s_suite, "tests/sandbox/quickspin-sandbox", ...) */
#define QS_HARNESS_MAIN(suite_fn, ...)                          \
    int main (void)                                             \
    {                                                           \
        const char *needs_[] = { __VA_ARGS__, NULL };           \
        return qs_harness_main (suite_fn, needs_);              \
    }

#endif
