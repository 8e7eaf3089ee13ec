/*  qs_breaker - see qs_breaker.h */
#include "qs_breaker.h"
#include <pthread.h>
#include <stdlib.h>

struct _qs_breaker_t {
    pthread_mutex_t lock;
    int threshold;
    int cooldown_ms;
    qs_breaker_state_t state;
    int failures;               /* consecutive */
    int64_t opened_at;
    int trial_in_flight;
};

qs_breaker_t *
qs_breaker_new (int threshold, int cooldown_ms)
{
    qs_breaker_t *self = (qs_breaker_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->lock, NULL);
    self->threshold = threshold < 1 ? 1 : threshold;
    self->cooldown_ms = cooldown_ms < 0 ? 0 : cooldown_ms;
    return self;
}

void
qs_breaker_destroy (qs_breaker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pthread_mutex_destroy (&(*self_p)->lock);
    free (*self_p);
    *self_p = NULL;
}

int
qs_breaker_admit (qs_breaker_t *self, int64_t now_ms, int *trial, int *wait_s)
{
    int rc = 0;
    *trial = 0;
    *wait_s = 0;
    pthread_mutex_lock (&self->lock);
    if (self->state == QS_BREAKER_OPEN) {
        int64_t left = self->opened_at + self->cooldown_ms - now_ms;
        if (left > 0) {
            *wait_s = (int) ((left + 999) / 1000);
            rc = -1;
        }
        else
            self->state = QS_BREAKER_HALF_OPEN;
    }
    if (rc == 0 && self->state == QS_BREAKER_HALF_OPEN) {
        /* one probe at a time; the others wait for its verdict */
        if (self->trial_in_flight) {
            *wait_s = 1;
            rc = -1;
        }
        else
            *trial = self->trial_in_flight = 1;
    }
    pthread_mutex_unlock (&self->lock);
    return rc;
}

qs_breaker_state_t
qs_breaker_report (qs_breaker_t *self, int64_t now_ms, int failed, int trial,
                       int *changed)
{
    pthread_mutex_lock (&self->lock);
    qs_breaker_state_t before = self->state;
    if (trial)
        self->trial_in_flight = 0;
    if (failed) {
        self->failures++;
        if (trial || self->failures >= self->threshold) {
            self->state = QS_BREAKER_OPEN;
            self->opened_at = now_ms;
        }
    }
    else {
        self->failures = 0;
        self->state = QS_BREAKER_CLOSED;
    }
    qs_breaker_state_t after = self->state;
    pthread_mutex_unlock (&self->lock);
    if (changed)
        *changed = after != before;
    return after;
}

qs_breaker_state_t
qs_breaker_state (qs_breaker_t *self, int64_t now_ms)
{
    pthread_mutex_lock (&self->lock);
    qs_breaker_state_t state = self->state;
    if (state == QS_BREAKER_OPEN && now_ms - self->opened_at >= self->cooldown_ms)
        state = QS_BREAKER_HALF_OPEN;
    pthread_mutex_unlock (&self->lock);
    return state;
}
