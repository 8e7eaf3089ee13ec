/*  qs_jwt - bearer token verification exactly as contract section 3.

    libjwt 1.10 checks only the signature, so this module pins the algorithm
    family, checks exp (required) and nbf with a 60 s leeway, iss/aud when
    configured and the required claims itself. A verifier is immutable after
    qs_jwt_new, so every HTTP thread may share one. */
#ifndef QS_JWT_H
#define QS_JWT_H

#include <stdint.h>
#include "qs_auth.h"
#include "qs_err.h"

#define QS_JWT_LEEWAY_S 60

typedef struct _qs_jwt_t qs_jwt_t;

typedef enum {
    QS_JWT_HS256 = 1,
    QS_JWT_RS256,
    QS_JWT_ES256
} qs_jwt_alg_t;

typedef struct {
    qs_jwt_alg_t alg;            /* the only algorithm accepted */
    const char *key;             /* HS256: the secret; RS256/ES256: the PEM public key text */
    size_t key_len;              /* bytes of key (0 = strlen) */
    const char *issuer;          /* checked when non-NULL and non-empty */
    const char *audience;        /* checked when non-NULL and non-empty */
} qs_jwt_config_t;

/*  New verifier; the config strings are copied. NULL with err set when the
    key is missing or empty (a NULL key would make libjwt accept anything). */
qs_jwt_t *qs_jwt_new (const qs_jwt_config_t *config, qs_err_t *err);

/*  Free and null; accepts NULL. */
void qs_jwt_destroy (qs_jwt_t **self_p);

/*  Verify token (the text after "Bearer ") at time now_s (epoch seconds).
    On success fills *auth (including the raw token) and returns 0. Otherwise
    returns -1 with err set to 401 "unauthorized" and a message that never
    contains the token. */
int qs_jwt_verify (qs_jwt_t *self, const char *token, int64_t now_s, qs_auth_t *auth,
                   qs_err_t *err);

/*  Extract the token from an Authorization header value ("Bearer <t>",
    scheme case-insensitive). Lent pointer into header, or NULL. */
const char *qs_jwt_from_header (const char *header);

/*  Parse "HS256|RS256|ES256"; 0 when unknown. */
qs_jwt_alg_t qs_jwt_alg_parse (const char *name);

/*  The algorithm a PEM public key is for: RS256 for an RSA key (2048 bits or
    more), ES256 for a P-256 EC key; 0 (with err) for anything else. */
qs_jwt_alg_t qs_jwt_alg_for_pem (const char *pem, size_t len, qs_err_t *err);

/*  The name of an algorithm ("HS256", ...). Lent. */
const char *qs_jwt_alg_name (qs_jwt_alg_t alg);

/*  issue 11: qs_jwt_verify now, in the shape of the broker's
    qs_broker_verify_fn (arg = the qs_jwt_t), for bus clients that send a
    bearer token. token NULL: the calling thread ends (OpenSSL's per-thread
    state is released); returns 0. */
int qs_jwt_verify_bus (void *arg, const char *token, qs_auth_t *auth, qs_err_t *err);

#endif
