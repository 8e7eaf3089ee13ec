/*  qs_svccache - see qs_svccache.h */
#include "qs_svccache.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char org_id[128];
    char sub[128];
    uint64_t token_fp;          /* never the token itself */
    int64_t stored_ms;
    json_object *services;      /* NULL: free slot */
} s_entry_t;

struct _qs_svccache_t {
    pthread_mutex_t lock;
    int64_t ttl_ms;
    int slots;
    s_entry_t *entries;
};

/*  FNV-1a: tells two tokens apart; not a secret's protection (the token is
    on the bus in clear anyway). */
static uint64_t
s_fingerprint (const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 1099511628211ULL;
    return h;
}

static void
s_drop (s_entry_t *e)
{
    json_object_put (e->services);
    memset (e, 0, sizeof *e);
}

qs_svccache_t *
qs_svccache_new (int64_t ttl_ms, int slots)
{
    qs_svccache_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
    self->slots = slots > 0 ? slots : 1;
    if (!(self->entries = calloc ((size_t) self->slots, sizeof *self->entries))) {
        free (self);
        return NULL;
    }
    pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
qs_svccache_destroy (qs_svccache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_svccache_t *self = *self_p;
    for (int i = 0; i < self->slots; i++)
        s_drop (&self->entries[i]);
    pthread_mutex_destroy (&self->lock);
    free (self->entries);
    free (self);
    *self_p = NULL;
}

static s_entry_t *
s_find (qs_svccache_t *self, const qs_auth_t *auth, uint64_t fp)
{
    for (int i = 0; i < self->slots; i++) {
        s_entry_t *e = &self->entries[i];
        if (e->services && e->token_fp == fp && !strcmp (e->org_id, auth->org_id) && !strcmp (e->sub, auth->sub))
            return e;
    }
    return NULL;
}

json_object *
qs_svccache_get (qs_svccache_t *self, const qs_auth_t *auth, int64_t now_ms)
{
    json_object *copy = NULL;
    if (!self || !self->ttl_ms)
        return NULL;
    uint64_t fp = s_fingerprint (auth->token);
    pthread_mutex_lock (&self->lock);
    s_entry_t *e = s_find (self, auth, fp);
    if (e && now_ms - e->stored_ms >= self->ttl_ms)
        s_drop (e);
    else if (e && json_object_deep_copy (e->services, &copy, NULL) != 0)
        copy = NULL;
    pthread_mutex_unlock (&self->lock);
    return copy;
}

void
qs_svccache_put (qs_svccache_t *self, const qs_auth_t *auth, json_object *services, int64_t now_ms)
{
    json_object *copy = NULL;
    if (!self || !self->ttl_ms || !services || json_object_deep_copy (services, &copy, NULL) != 0)
        return;
    uint64_t fp = s_fingerprint (auth->token);
    pthread_mutex_lock (&self->lock);
    s_entry_t *e = s_find (self, auth, fp);
    for (int i = 0; !e && i < self->slots; i++)
        if (!self->entries[i].services)
            e = &self->entries[i];
    for (int i = 0; !e && i < self->slots; i++) {
        s_entry_t *c = &self->entries[i];
        if (i == 0 || c->stored_ms < e->stored_ms)
            e = c;
    }
    s_drop (e);
    qs_strlcpy (e->org_id, auth->org_id, sizeof e->org_id);
    qs_strlcpy (e->sub, auth->sub, sizeof e->sub);
    e->token_fp = fp;
    e->stored_ms = now_ms;
    e->services = copy;
    pthread_mutex_unlock (&self->lock);
}

void
qs_svccache_forget_org (qs_svccache_t *self, const char *org_id)
{
    if (!self)
        return;
    pthread_mutex_lock (&self->lock);
    for (int i = 0; i < self->slots; i++)
        if (self->entries[i].services && !strcmp (self->entries[i].org_id, org_id))
            s_drop (&self->entries[i]);
    pthread_mutex_unlock (&self->lock);
}
