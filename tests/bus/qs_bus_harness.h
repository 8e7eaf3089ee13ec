/*  qs_bus_harness - start and stop the real broker and test-worker binaries
    on loopback for the bus integration tests. */
#ifndef QS_BUS_HARNESS_H
#define QS_BUS_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>
#include "qs_client.h"

typedef struct {
    char endpoint [64];
    int port;
    pid_t pid;
} qs_h_broker_t;

/*  Start quickspin-broker on a free random port in 20000-32000 (retried),
    extra env as "NAME=value" strings (NULL-terminated list, may be NULL).
    Waits until it answers. 0 or -1. */
int qs_h_broker_start (qs_h_broker_t *broker, const char *const *env);
/*  Start it again on the same port (after a stop). 0 or -1. */
int qs_h_broker_restart (qs_h_broker_t *broker, const char *const *env);

/*  Start a test worker for service with threads handler threads. */
pid_t qs_h_worker_start (const char *endpoint, const char *service, int threads,
                         const char *const *env);

/*  Send sig and wait (up to timeout_ms) for the exit. Returns the wait status,
    or -1 when it did not exit (then it is SIGKILLed). */
int qs_h_stop (pid_t pid, int sig, int timeout_ms);

/*  True when the process exited normally with status 0. */
bool qs_h_exited_ok (int status);

/*  Poll discovery until the service has want workers or timeout. Returns the
    last count seen. */
int qs_h_wait_workers (qs_client_t *client, const char *service, int want, int timeout_ms);

/*  A loopback TCP port that was free a moment ago (20000-32000), or -1. */
int qs_h_free_port (void);

/*  Is the process still running (not reaped)? */
bool qs_h_alive (pid_t pid);

#endif
