/*  qs_harness - what integration tests need to run the real processes on
    loopback: start a binary with extra environment (its output goes to
    tests/out/<name>.log under the build dir, or under $QS_TEST_OUT_DIR when
    set), wait for it to listen, stop it
    (SIGTERM, then SIGKILL), pick free ports. */
#ifndef QS_HARNESS_H
#define QS_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct _qs_proc_t qs_proc_t;

/*  Start path with argv (NULL-terminated, argv[0] may be NULL = path) and
    env_extra ("KEY=VALUE" strings, NULL-terminated, may be NULL) on top of
    this process's environment. NULL when fork/exec fails. */
qs_proc_t *qs_proc_start (const char *name, const char *path, char *const argv[],
                          char *const env_extra[]);

/*  SIGTERM, wait up to 5 s, then SIGKILL; free; null. Accepts NULL. */
void qs_proc_destroy (qs_proc_t **self_p);

/*  Send a signal (e.g. SIGKILL to simulate a crash). 0 or -1. */
int qs_proc_signal (qs_proc_t *self, int sig);
/*  Wait up to timeout_ms for the process to exit; its exit status or -1. */
int qs_proc_wait (qs_proc_t *self, int timeout_ms);
pid_t qs_proc_pid (qs_proc_t *self);
/*  Path of its log file (lent). */
const char *qs_proc_log (qs_proc_t *self);

/*  Send sig to pid (0 = none: it is expected to exit by itself), wait up to
    timeout_ms for it to exit, else SIGKILL and reap it. Returns its wait
    status, or -1 when it had to be killed or pid is not a child. */
int qs_harness_stop_pid (pid_t pid, int sig, int timeout_ms);

/*  A TCP port on 127.0.0.1 that was free a moment ago. */
int qs_free_port (void);

/*  Poll url until it answers HTTP 200 or timeout_ms passes. true on 200. */
bool qs_wait_http (const char *url, int timeout_ms);

/*  Path of a built binary: $QS_BUILD_DIR/<rel> (meson sets QS_BUILD_DIR in
    the test environment). Returns a static-free heap string; caller frees. */
char *qs_build_path (const char *rel);

#endif
