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
#include "qs_e2e.h"

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

/*  One HTTP call timed: status (0 = no answer), *ms_p its duration, *json_p the body. */
long qs_faults_http (const char *method, const char *base, const char *path, const char *token,
                     const char *body, long timeout_ms, int64_t *ms_p, json_object **json_p);

/*  Poll GET base/api/v1/health/ready until it answers want or timeout_ms
    passes. Returns the milliseconds it took, or -1. */
int qs_faults_wait_ready (const char *base, long want, int timeout_ms);

#endif
