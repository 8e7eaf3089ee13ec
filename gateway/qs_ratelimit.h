/*  qs_ratelimit - a per-key token bucket (the gateway keys it by user:
    org_id + sub). rps tokens refill per second up to burst. Thread-safe: all
    HTTP threads share one limiter. Idle keys (bucket full again) are evicted
    when the table is full, so memory stays bounded. */
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

/*  Number of keys currently tracked (tests). */
int qs_ratelimit_size (qs_ratelimit_t *self);

#endif
