/*  qs_svccache - a short-lived copy of each caller's service list.

    A chat turn reads the org's services to resolve names ("acme-cache",
    "it", "the second one"); fetching them from the platform on every turn
    was 15 % of the workflow worker's time. Entries are keyed by org, user
    and a fingerprint of the token (the platform answers per token) and live
    ttl_ms; this worker forgets an org's entries when it changes one of its
    services, so its own changes are never served stale. Another replica's
    change, or one made outside QuickSpin AI, shows within ttl_ms.

    Thread-safe (one mutex); callers get deep copies, never the stored list. */
#ifndef QS_SVCCACHE_H
#define QS_SVCCACHE_H

#include <json-c/json.h>
#include <stdint.h>
#include "qs_auth.h"

typedef struct _qs_svccache_t qs_svccache_t;

/*  A cache of at most slots lists, each kept ttl_ms (0 = never kept: every
    get misses). NULL on allocation failure. */
qs_svccache_t *qs_svccache_new (int64_t ttl_ms, int slots);
/*  Free and null; accepts NULL. */
void qs_svccache_destroy (qs_svccache_t **self_p);

/*  A copy of auth's list stored less than ttl_ms before now_ms (the
    caller's), or NULL. */
json_object *qs_svccache_get (qs_svccache_t *self, const qs_auth_t *auth, int64_t now_ms);
/*  Keep a copy of services (lent) for auth, replacing its entry or the
    oldest one. */
void qs_svccache_put (qs_svccache_t *self, const qs_auth_t *auth, json_object *services, int64_t now_ms);
/*  Drop every entry of org_id. */
void qs_svccache_forget_org (qs_svccache_t *self, const char *org_id);

#endif
