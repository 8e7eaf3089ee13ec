/*  qs_jwt_env - the token-verification settings from the environment
    (contract section 2), read the same way by every process that verifies
    tokens (the gateway, the broker):
      QS_JWT_PUBLIC_KEY_FILE   PEM public key: ES256 or RS256 by the key
      QS_JWT_SECRET            HS256 secret (unset = the built-in development
                               secret, dev_secret true; callers warn or refuse)
      QS_JWT_ISSUER, QS_JWT_AUDIENCE   checked when set */
#ifndef QS_JWT_ENV_H
#define QS_JWT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"
#include "qs_jwt.h"

typedef struct {
    qs_jwt_alg_t alg;
    char *key;                   /* secret or PEM text (owned; wiped by qs_jwt_env_free) */
    size_t key_len;
    bool dev_secret;
    char issuer[256];            /* "" = unchecked */
    char audience[256];          /* "" = unchecked */
} qs_jwt_env_t;

/*  Read the settings into env (zeroed first). 0, or -1 with err (an
    unreadable or unusable key file, a value too long). Call qs_jwt_env_free
    either way. */
int qs_jwt_env_load (qs_jwt_env_t *env, qs_err_t *err);
/*  Wipe the key and free what env owns. Accepts NULL. */
void qs_jwt_env_free (qs_jwt_env_t *env);

#endif
