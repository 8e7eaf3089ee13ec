/*  qs_breaker - a circuit breaker (closed -> open after N consecutive
    failures -> half-open after a cool-down, one trial at a time -> closed on
    a success, open again on a failure). Thread-safe: any thread may admit
    and report. Used by qs_llm; small enough to reuse elsewhere. */
#ifndef QS_BREAKER_H
#define QS_BREAKER_H

#include <stdint.h>

typedef enum {
    QS_BREAKER_CLOSED = 0,
    QS_BREAKER_OPEN = 1,
    QS_BREAKER_HALF_OPEN = 2
} qs_breaker_state_t;

typedef struct _qs_breaker_t qs_breaker_t;

/*  New closed breaker; threshold >= 1 failures, cooldown_ms >= 0. NULL on
    allocation failure. */
qs_breaker_t *qs_breaker_new (int threshold, int cooldown_ms);

/*  Free and null; accepts NULL. */
void qs_breaker_destroy (qs_breaker_t **self_p);

/*  May a call go ahead? 0 = yes (*trial set when it is the half-open
    probe, which must be reported), -1 = no, *wait_s = seconds before a
    probe may go. now_ms is qs_mono_ms (). */
int qs_breaker_admit (qs_breaker_t *self, int64_t now_ms, int *trial, int *wait_s);

/*  Report a call's outcome (failed: 1 = the service was unavailable, 0 =
    it answered). Returns the state afterwards; *changed says whether it
    moved. */
qs_breaker_state_t qs_breaker_report (qs_breaker_t *self, int64_t now_ms, int failed,
                                          int trial, int *changed);

/*  The state as a caller would see it now (open turns half-open once the
    cool-down has passed). */
qs_breaker_state_t qs_breaker_state (qs_breaker_t *self, int64_t now_ms);

#endif
