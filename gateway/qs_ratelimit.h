/*  qs_ratelimit - a per-key token bucket. The gateway runs two: one keyed
    by user (org_id + sub) and one keyed by organisation, so one org cannot
    starve the others however many users it has. rps tokens refill per second
    up to burst. Thread-safe: all HTTP threads share the limiters. Idle keys
    (bucket full again) are evicted when the table is full, so memory stays
    bounded at max_keys buckets. */
#ifndef QS_RATELIMIT_H
#define QS_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct _qs_ratelimit_t qs_ratelimit_t;

/*  New limiter; rps <= 0 means "off" (every request allowed). burst < 1 is
    taken as max(1, rps). max_keys bounds the table (0 = 65536). NULL on
    allocation failure. */
qs_ratelimit_t *qs_ratelimit_new (double rps, double burst, int max_keys);
void qs_ratelimit_destroy (qs_ratelimit_t **self_p);

/*  Take one token for key at monotonic time now_ms. True when allowed; when
    not, *retry_after_s (if given) receives whole seconds until a token is
    there (at least 1). */
bool qs_ratelimit_take (qs_ratelimit_t *self, const char *key, int64_t now_ms,
                        int *retry_after_s);

/*  Give back one token taken for key (capped at burst), e.g. when a second
    limiter refused the request the first one allowed. */
void qs_ratelimit_give (qs_ratelimit_t *self, const char *key, int64_t now_ms);

/*  Take a token from the user's bucket (key org_id + sub in user) and from
    the org's (key org_id in org): both or neither. Either limiter may be
    NULL or off. When refused, *retry_after_s gets the wait of the limiter
    that refused and *org_limited (if given) says whether it was the org's. */
bool qs_ratelimit_take_user_org (qs_ratelimit_t *user, qs_ratelimit_t *org,
                                 const char *org_id, const char *sub, int64_t now_ms,
                                 int *retry_after_s, bool *org_limited);

/*  Number of keys currently tracked (tests). */
int qs_ratelimit_size (qs_ratelimit_t *self);

#endif
