/*  qs_notify - see qs_notify.h. */
#include "qs_notify.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct _item_t {
    struct _item_t *next;
    char *org_id, *url, *body;
    char event[48];
    int attempts;
    int64_t due_ms;           /* monotonic */
} item_t;

struct _qs_notify_t {
    qs_notify_config_t cfg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    item_t *head;             /* ordered by due_ms */
    size_t waiting;
    qs_notify_stats_t stats;
};

static void
s_item_free (item_t *item)
{
    if (item) {
        free (item->org_id);
        free (item->url);
        free (item->body);
        free (item);
    }
}

/*  Insert keeping due order (the lock is held). */
static void
s_insert (qs_notify_t *self, item_t *item)
{
    item_t **p = &self->head;
    while (*p && (*p)->due_ms <= item->due_ms)
        p = &(*p)->next;
    item->next = *p;
    *p = item;
    self->waiting++;
}

static bool
s_worth_retry (int status)
{
    return status < 0 || status == 408 || status == 429 || status >= 500;
}

/*  One attempt, outside the lock. Returns true when the item is finished. */
static bool
s_attempt (qs_notify_t *self, item_t *item, qs_notify_result_t *result)
{
    char why[200] = "";
    int status = self->cfg.send (self->cfg.arg, item->url, item->body, self->cfg.timeout_ms, why, sizeof why);
    item->attempts++;
    memset (result, 0, sizeof *result);
    result->ok = status >= 200 && status < 300;
    result->status = status;
    result->attempts = item->attempts;
    result->at_ms = qs_now_ms ();
    qs_strlcpy (result->event, item->event, sizeof result->event);
    if (!result->ok) {
        if (why[0])
            qs_strlcpy (result->error, why, sizeof result->error);
        else
            snprintf (result->error, sizeof result->error, "the webhook answered HTTP %d", status);
    }
    return result->ok || !s_worth_retry (status) || item->attempts >= self->cfg.max_attempts;
}

static void *
s_run (void *arg)
{
    qs_notify_t *self = arg;
    pthread_mutex_lock (&self->lock);
    while (!self->stopping) {
        if (!self->head) {
            pthread_cond_wait (&self->wake, &self->lock);
            continue;
        }
        int64_t wait = self->head->due_ms - qs_mono_ms ();
        if (wait > 0) {
            struct timespec until;
            clock_gettime (CLOCK_MONOTONIC, &until);
            until.tv_sec += wait / 1000;
            until.tv_nsec += (wait % 1000) * 1000000L;
            if (until.tv_nsec >= 1000000000L)
                until.tv_sec++, until.tv_nsec -= 1000000000L;
            pthread_cond_timedwait (&self->wake, &self->lock, &until);
            continue;
        }
        item_t *item = self->head;
        self->head = item->next;
        self->waiting--;
        pthread_mutex_unlock (&self->lock);
        qs_notify_result_t result;
        bool finished = s_attempt (self, item, &result);
        if (finished && self->cfg.done)
            self->cfg.done (self->cfg.arg, item->org_id, &result);
        pthread_mutex_lock (&self->lock);
        if (finished) {
            if (result.ok)
                self->stats.delivered++;
            else
                self->stats.failed++;
            s_item_free (item);
        }
        else {
            self->stats.retried++;
            item->due_ms = qs_mono_ms () + ((int64_t) self->cfg.backoff_ms << (item->attempts - 1));
            s_insert (self, item);
        }
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

qs_notify_t *
qs_notify_new (const qs_notify_config_t *config)
{
    if (!config || !config->send)
        return NULL;
    qs_notify_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = *config;
    if (!self->cfg.queue_max)
        self->cfg.queue_max = 256;
    if (self->cfg.max_attempts <= 0)
        self->cfg.max_attempts = 5;
    if (self->cfg.max_attempts > 16)
        self->cfg.max_attempts = 16;
    if (self->cfg.backoff_ms <= 0)
        self->cfg.backoff_ms = 1000;
    if (self->cfg.timeout_ms <= 0)
        self->cfg.timeout_ms = 5000;
    pthread_condattr_t attr;
    pthread_condattr_init (&attr);
    pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, &attr);
    pthread_condattr_destroy (&attr);
    if (pthread_create (&self->thread, NULL, s_run, self) != 0) {
        pthread_cond_destroy (&self->wake);
        pthread_mutex_destroy (&self->lock);
        free (self);
        return NULL;
    }
    return self;
}

void
qs_notify_destroy (qs_notify_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_notify_t *self = *self_p;
    pthread_mutex_lock (&self->lock);
    self->stopping = true;
    pthread_cond_signal (&self->wake);
    pthread_mutex_unlock (&self->lock);
    pthread_join (self->thread, NULL);
    while (self->head) {
        item_t *next = self->head->next;
        s_item_free (self->head);
        self->head = next;
    }
    pthread_cond_destroy (&self->wake);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

int
qs_notify_enqueue (qs_notify_t *self, const char *org_id, const char *url, const char *event,
                   const char *text, json_object *data)
{
    if (!self || !org_id || !url || !event || !text)
        return -1;
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "text", text);
    qs_json_add_str (body, "event", event);
    qs_json_add_str (body, "org_id", org_id);
    if (json_object_is_type (data, json_type_object)) {
        json_object_object_foreach (data, key, val)
            if (!json_object_object_get_ex (body, key, NULL))
                json_object_object_add (body, key, json_object_get (val));
    }
    item_t *item = calloc (1, sizeof *item);
    if (item) {
        item->org_id = strdup (org_id);
        item->url = strdup (url);
        item->body = strdup (qs_json_text (body));
        qs_strlcpy (item->event, event, sizeof item->event);
        item->due_ms = qs_mono_ms ();
    }
    json_object_put (body);
    if (!item || !item->org_id || !item->url || !item->body) {
        s_item_free (item);
        return -1;
    }
    pthread_mutex_lock (&self->lock);
    int rc = 0;
    if (self->waiting >= self->cfg.queue_max) {
        self->stats.dropped++;
        rc = -1;
    }
    else {
        s_insert (self, item);
        self->stats.queued++;
        item = NULL;
        pthread_cond_signal (&self->wake);
    }
    pthread_mutex_unlock (&self->lock);
    s_item_free (item);
    return rc;
}

void
qs_notify_stats (qs_notify_t *self, qs_notify_stats_t *stats)
{
    pthread_mutex_lock (&self->lock);
    *stats = self->stats;
    stats->waiting = self->waiting;
    pthread_mutex_unlock (&self->lock);
}
