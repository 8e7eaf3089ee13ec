/*  qs_svccache - a short-lived copy of each caller's service list.

    A chat turn reads the org's services to resolve names ("acme-cache",
    "it", "the second one"); fetching them from the platform on every turn
    was 15 % of the workflow worker's time. Entries are keyed by org, user
    and a fingerprint of the token (the platform answers per token) and live
    ttl_ms; this worker forgets an org's entries when it changes one of its
    services, so its own changes are never served stale. Another replica's
    change, or one made outside QuickSpin AI, shows within ttl_ms.

    Thread-safe: each thread keeps its own entries (a thread's turns reuse
    what that thread fetched), and a hit is the stored list itself, shared
    with the cache: callers only read it. */
#ifndef QS_SVCCACHE_H
#define QS_SVCCACHE_H

#include <json-c/json.h>
#include <stdint.h>
#include "qs_auth.h"

typedef struct _qs_svccache_t qs_svccache_t;

/*  A cache of at most slots lists per thread, each kept ttl_ms (0 = never kept: every
    get misses). NULL on allocation failure. */
qs_svccache_t *qs_svccache_new (int64_t ttl_ms, int slots);
/*  Free and null; accepts NULL. */
void qs_svccache_destroy (qs_svccache_t **self_p);

/*  Auth's list as this thread stored it less than ttl_ms before now_ms (a
    new reference to the stored list: read it, put it, never change it), or
    NULL. */
json_object *qs_svccache_get (qs_svccache_t *self, const qs_auth_t *auth, int64_t now_ms);
/*  Keep services (a reference is taken; the caller must not change it
    afterwards) for auth in this thread's table, replacing auth's entry or
    the oldest one. */
void qs_svccache_put (qs_svccache_t *self, const qs_auth_t *auth, json_object *services, int64_t now_ms);
/*  This worker changed a service: no thread serves a list stored before
    (every org's: changes are rare, and it stays one atomic step). */
void qs_svccache_forget (qs_svccache_t *self);

#endif
