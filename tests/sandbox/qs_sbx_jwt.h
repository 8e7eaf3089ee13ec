/*  qs_sbx_jwt - verify the user's bearer token the way the platform would:
    HS256 only, with the shared secret; sub and org_id required; exp (when
    present) checked with 60 s leeway; nbf honoured. */
#ifndef QS_SBX_JWT_H
#define QS_SBX_JWT_H

#include "qs_auth.h"
#include "qs_err.h"
#include <stdint.h>

/*  Verify "Bearer <jwt>" (authorization may be NULL) with secret. On success
    fills auth (sub, org_id, tier, roles; not the token) and returns 0; else
    sets err to 401 unauthorized and returns -1. now_s: epoch seconds. */
int qs_sbx_jwt_verify (const char *authorization, const char *secret, int64_t now_s,
                       qs_auth_t *auth, qs_err_t *err);

#endif
