/*  qs_ratelimit - see qs_ratelimit.h. An open hash table of buckets under
    one mutex: a bucket update is a few arithmetic operations, far below the
    cost of the HTTP request it guards. */
#include "qs_ratelimit.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct _s_bucket_t {
    struct _s_bucket_t *next;
    double tokens;
    int64_t updated_ms;
    char key[];
} s_bucket_t;

struct _qs_ratelimit_t {
    pthread_mutex_t lock;
    double rps;
    double burst;
    int max_keys;
    int size;
    size_t nslots;
    s_bucket_t **slots;
};

qs_ratelimit_t *
qs_ratelimit_new (double rps, double burst, int max_keys)
{
    qs_ratelimit_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->rps = rps > 0 ? rps : 0;
    self->burst = burst >= 1 ? burst : (rps > 1 ? rps : 1);
    self->max_keys = max_keys > 0 ? max_keys : 65536;
    self->nslots = 1024;
    self->slots = calloc (self->nslots, sizeof *self->slots);
    if (!self->slots) {
        free (self);
        return NULL;
    }
    pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
qs_ratelimit_destroy (qs_ratelimit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_ratelimit_t *self = *self_p;
    for (size_t i = 0; i < self->nslots; i++) {
        s_bucket_t *b = self->slots[i];
        while (b) {
            s_bucket_t *next = b->next;
            free (b);
            b = next;
        }
    }
    free (self->slots);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

static size_t
s_hash (const char *key)
{
    //  FNV-1a
    uint64_t h = 1469598103934665603ULL;
    for (; *key; key++) {
        h ^= (unsigned char) *key;
        h *= 1099511628211ULL;
    }
    return (size_t) h;
}

static void
s_refill (qs_ratelimit_t *self, s_bucket_t *b, int64_t now_ms)
{
    if (now_ms > b->updated_ms) {
        b->tokens += (double) (now_ms - b->updated_ms) * self->rps / 1000.0;
        if (b->tokens > self->burst)
            b->tokens = self->burst;
        b->updated_ms = now_ms;
    }
}

//  Drop every bucket that has refilled completely: forgetting it changes
//  nothing for its user.
static void
s_evict_idle (qs_ratelimit_t *self, int64_t now_ms)
{
    for (size_t i = 0; i < self->nslots; i++) {
        s_bucket_t **link = &self->slots[i];
        while (*link) {
            s_bucket_t *b = *link;
            s_refill (self, b, now_ms);
            if (b->tokens >= self->burst) {
                *link = b->next;
                free (b);
                self->size--;
            }
            else
                link = &b->next;
        }
    }
}

bool
qs_ratelimit_take (qs_ratelimit_t *self, const char *key, int64_t now_ms, int *retry_after_s)
{
    if (retry_after_s)
        *retry_after_s = 0;
    if (!self || self->rps <= 0)
        return true;
    if (!key)
        key = "";
    bool allowed = true;
    pthread_mutex_lock (&self->lock);
    size_t slot = s_hash (key) % self->nslots;
    s_bucket_t *b = self->slots[slot];
    while (b && strcmp (b->key, key) != 0)
        b = b->next;
    if (!b) {
        if (self->size >= self->max_keys)
            s_evict_idle (self, now_ms);
        if (self->size >= self->max_keys) {
            //  Too many users busy at once to track: refuse rather than grow
            allowed = false;
            if (retry_after_s)
                *retry_after_s = 1;
            goto done;
        }
        size_t klen = strlen (key);
        b = malloc (sizeof *b + klen + 1);
        if (!b)
            goto done;           /* fail open: a limiter must not turn OOM into an outage */
        memcpy (b->key, key, klen + 1);
        b->tokens = self->burst;
        b->updated_ms = now_ms;
        b->next = self->slots[slot];
        self->slots[slot] = b;
        self->size++;
    }
    s_refill (self, b, now_ms);
    if (b->tokens >= 1.0)
        b->tokens -= 1.0;
    else {
        allowed = false;
        if (retry_after_s) {
            double wait_s = (1.0 - b->tokens) / self->rps;
            int secs = (int) ceil (wait_s);
            *retry_after_s = secs < 1 ? 1 : secs;
        }
    }
done:
    pthread_mutex_unlock (&self->lock);
    return allowed;
}

int
qs_ratelimit_size (qs_ratelimit_t *self)
{
    if (!self)
        return 0;
    pthread_mutex_lock (&self->lock);
    int n = self->size;
    pthread_mutex_unlock (&self->lock);
    return n;
}

void
qs_ratelimit_give (qs_ratelimit_t *self, const char *key, int64_t now_ms)
{
    if (!self || self->rps <= 0)
        return;
    if (!key)
        key = "";
    pthread_mutex_lock (&self->lock);
    s_bucket_t *b = self->slots[s_hash (key) % self->nslots];
    while (b && strcmp (b->key, key) != 0)
        b = b->next;
    if (b) {
        s_refill (self, b, now_ms);
        b->tokens = b->tokens + 1.0 > self->burst ? self->burst : b->tokens + 1.0;
    }
    pthread_mutex_unlock (&self->lock);
}

bool
qs_ratelimit_take_user_org (qs_ratelimit_t *user, qs_ratelimit_t *org, const char *org_id,
                            const char *sub, int64_t now_ms, int *retry_after_s,
                            bool *org_limited)
{
    if (org_limited)
        *org_limited = false;
    if (!org_id)
        org_id = "";
    //  The org's length first, so "a"+"bc" and "ab"+"c" never share a bucket
    char key[600];
    snprintf (key, sizeof key, "%zu:%s/%s", strlen (org_id), org_id, sub ? sub : "");
    if (!qs_ratelimit_take (user, key, now_ms, retry_after_s))
        return false;
    if (qs_ratelimit_take (org, org_id, now_ms, retry_after_s))
        return true;
    //  The org is over its share: this request is not served, so it must
    //  not cost the user a token either
    qs_ratelimit_give (user, key, now_ms);
    if (org_limited)
        *org_limited = true;
    return false;
}
