/*  qs_faults - what the fault tests share: a bounded load of concurrent
    requests against the gateway (knowledge search, which is idempotent, and
    chat turns, which are not) with every outcome and latency recorded, and
    the checks made afterwards (no hang, no chat run twice). */
#ifndef QS_FAULTS_H
#define QS_FAULTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "qs_harness.h"

#define QS_LOAD_MAX_THREADS 8

typedef struct {
    /* set before qs_load_start */
    const char *gateway;        /* lent */
    const char *token;          /* lent */
    int threads;                /* 2..8: even ones search, odd ones chat */
    int limit_ms;               /* a request slower than this is a hang */
    /* results */
    atomic_int search_ok, search_fail;
    atomic_int chat_ok, chat_503, chat_other;
    atomic_int hung;
    atomic_int max_ms;
    atomic_bool stop;
    char conv[QS_LOAD_MAX_THREADS][64];    /* each chat thread's conversation */
    int chat_sent[QS_LOAD_MAX_THREADS];     /* turns sent in it (the first included) */
    int chat_good[QS_LOAD_MAX_THREADS];     /* turns answered 200 */
    pthread_mutex_t lock;
    char first_failure[512];                /* the first unexpected answer, for messages */
    pthread_t tids[QS_LOAD_MAX_THREADS];
} qs_load_t;

/*  Open one conversation per chat thread (a first turn each), then start
    the threads; they run until qs_load_stop. 0 or -1. */
int qs_load_start (qs_load_t *l);
/*  Stop and join. */
void qs_load_stop (qs_load_t *l);
/*  Requests answered so far (any outcome). */
int qs_load_done (qs_load_t *l);

/*  Every chat thread's conversation holds no more assistant messages than
    turns were sent, at least as many as were answered 200, and as many
    user messages as assistant ones (no half-saved turn when check_whole).
    Returns true when all is well, else false with a description in problem. */
bool qs_load_check_conversations (qs_load_t *l, bool check_whole, char *problem, size_t size);

/*  Start the load on the fault suite's gateway with its token: 6 threads,
    a request slower than limit_ms is a hang (check asserts the start). */
void qs_load_begin (qs_load_t *l, int limit_ms);
/*  After qs_load_stop, assert what every fault must keep (check asserts):
    no idempotent request failed, no chat failed otherwise than 503, none
    hung, and the conversations are sound (qs_load_check_conversations). */
void qs_load_assert_sound (qs_load_t *l, bool check_whole);

/*  The suite every fault test runs against: the whole suite (sandbox,
    brokers, a worker of each kind, gateway) ready, plus a member's token.
    qs_faults_setup asserts it started; it and qs_faults_teardown are the
    checked fixture (CK_FORK=no, so the teardown stops the processes even
    when an assertion fails). */
typedef struct {
    int brokers;                /* 0 = 1 */
    const char *const *env;     /* more environment (lent; must outlive the test) */
    bool second_workers;        /* a second worker of each kind ("intent-2", ...) */
} qs_faults_spec_t;

void qs_faults_setup (const qs_faults_spec_t *spec);
void qs_faults_teardown (void);
/*  The running suite and its token (lent). */
qs_harness_t *qs_faults_suite (void);
const char *qs_faults_token (void);

#endif
