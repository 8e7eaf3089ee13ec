/*  qs_svccache - see qs_svccache.h. Each thread has its own table (a
    pthread key), so a hit hands out the stored list itself: no copy, no
    lock, and json-c's plain reference counts are only ever touched by the
    thread that owns them. Forgetting bumps one atomic generation that every
    table checks. */
#include "qs_svccache.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char org_id[128];
    char sub[128];
    uint64_t token_fp;          /* never the token itself */
    int64_t stored_ms;
    uint64_t generation;        /* self->generation when stored */
    json_object *services;      /* NULL: free slot */
} s_entry_t;

typedef struct {
    int slots;
    s_entry_t entries[];
} s_table_t;

struct _qs_svccache_t {
    int64_t ttl_ms;
    int slots;
    pthread_key_t key;          /* this thread's s_table_t */
    _Atomic uint64_t generation;
    pthread_mutex_t lock;       /* guards tables, for destroy */
    s_table_t **tables;
    int ntables, cap;
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
    if (pthread_key_create (&self->key, NULL) != 0) {
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
    for (int t = 0; t < self->ntables; t++) {
        for (int i = 0; i < self->tables[t]->slots; i++)
            s_drop (&self->tables[t]->entries[i]);
        free (self->tables[t]);
    }
    free (self->tables);
    pthread_key_delete (self->key);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

/*  This thread's table, made on first use; NULL without memory. */
static s_table_t *
s_table (qs_svccache_t *self)
{
    s_table_t *table = pthread_getspecific (self->key);
    if (table)
        return table;
    table = calloc (1, sizeof *table + (size_t) self->slots * sizeof (s_entry_t));
    if (!table)
        return NULL;
    table->slots = self->slots;
    pthread_mutex_lock (&self->lock);
    if (self->ntables == self->cap) {
        int cap = self->cap ? self->cap * 2 : 8;
        s_table_t **grown = realloc (self->tables, (size_t) cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock (&self->lock);
            free (table);
            return NULL;
        }
        self->tables = grown;
        self->cap = cap;
    }
    self->tables[self->ntables++] = table;
    pthread_mutex_unlock (&self->lock);
    pthread_setspecific (self->key, table);
    return table;
}

static s_entry_t *
s_find (s_table_t *table, const qs_auth_t *auth, uint64_t fp)
{
    for (int i = 0; i < table->slots; i++) {
        s_entry_t *e = &table->entries[i];
        if (e->services && e->token_fp == fp && !strcmp (e->org_id, auth->org_id) && !strcmp (e->sub, auth->sub))
            return e;
    }
    return NULL;
}

json_object *
qs_svccache_get (qs_svccache_t *self, const qs_auth_t *auth, int64_t now_ms)
{
    if (!self || !self->ttl_ms)
        return NULL;
    s_table_t *table = s_table (self);
    s_entry_t *e = table ? s_find (table, auth, s_fingerprint (auth->token)) : NULL;
    if (!e)
        return NULL;
    if (now_ms - e->stored_ms >= self->ttl_ms || e->generation != atomic_load (&self->generation)) {
        s_drop (e);
        return NULL;
    }
    return json_object_get (e->services);
}

void
qs_svccache_put (qs_svccache_t *self, const qs_auth_t *auth, json_object *services, int64_t now_ms)
{
    if (!self || !self->ttl_ms || !services)
        return;
    s_table_t *table = s_table (self);
    if (!table)
        return;
    uint64_t fp = s_fingerprint (auth->token);
    s_entry_t *e = s_find (table, auth, fp);
    for (int i = 0; !e && i < table->slots; i++)
        if (!table->entries[i].services)
            e = &table->entries[i];
    for (int i = 0; !e && i < table->slots; i++) {
        s_entry_t *c = &table->entries[i];
        if (i == 0 || c->stored_ms < e->stored_ms)
            e = c;
    }
    s_drop (e);
    qs_strlcpy (e->org_id, auth->org_id, sizeof e->org_id);
    qs_strlcpy (e->sub, auth->sub, sizeof e->sub);
    e->token_fp = fp;
    e->stored_ms = now_ms;
    e->generation = atomic_load (&self->generation);
    e->services = json_object_get (services);
}

void
qs_svccache_forget (qs_svccache_t *self)
{
    if (self)
        atomic_fetch_add (&self->generation, 1);
}
