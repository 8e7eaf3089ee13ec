/*  qs_pruner - see qs_pruner.h */
#include "qs_pruner.h"
#include "qs_log.h"
#include "qs_util.h"
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct _qs_pruner_t {
    qs_store_t *store;
    int64_t retention_ms;
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

long
qs_pruner_run_once (qs_pruner_t *self)
{
    qs_err_t err = {0};
    long n = qs_store_checkpoint_prune (self->store, qs_now_ms () - self->retention_ms, &err);
    if (n < 0)
        qs_warn (NULL, "pruner: %s", err.message);
    else if (n > 0)
        qs_info (NULL, "pruner: removed %ld finished checkpoints", n);
    return n;
}

static void *
s_loop (void *arg)
{
    qs_pruner_t *self = arg;
    pthread_mutex_lock (&self->lock);
    while (!self->stop) {
        struct timespec until;
        clock_gettime (CLOCK_REALTIME, &until);
        until.tv_sec += self->interval_ms / 1000;
        until.tv_nsec += (long) (self->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int rc = 0;
        while (!self->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait (&self->wake, &self->lock, &until);
        if (self->stop)
            break;
        pthread_mutex_unlock (&self->lock);
        qs_pruner_run_once (self);
        pthread_mutex_lock (&self->lock);
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

qs_pruner_t *
qs_pruner_new (qs_store_t *store, int64_t retention_ms, int interval_ms)
{
    qs_pruner_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->store = store;
    self->retention_ms = retention_ms;
    self->interval_ms = interval_ms > 0 ? interval_ms : 60000;
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, NULL);
    if (pthread_create (&self->thread, NULL, s_loop, self) != 0) {
        pthread_mutex_destroy (&self->lock);
        pthread_cond_destroy (&self->wake);
        free (self);
        return NULL;
    }
    return self;
}

void
qs_pruner_destroy (qs_pruner_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_pruner_t *self = *self_p;
    pthread_mutex_lock (&self->lock);
    self->stop = true;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
    pthread_join (self->thread, NULL);
    pthread_mutex_destroy (&self->lock);
    pthread_cond_destroy (&self->wake);
    free (self);
    *self_p = NULL;
}
