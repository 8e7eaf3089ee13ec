/*  qs_jwt_env - see qs_jwt_env.h */
#include "qs_jwt_env.h"
#include "qs_devsecret.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_KEY_FILE_MAX (64 * 1024)

static int
s_read_key_file (qs_jwt_env_t *env, const char *path, qs_err_t *err)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return qs_err_set (err, 500, "config", "cannot read QS_JWT_PUBLIC_KEY_FILE %s", path);
    char *buf = malloc (S_KEY_FILE_MAX + 1);
    size_t n = buf ? fread (buf, 1, S_KEY_FILE_MAX + 1, f) : 0;
    fclose (f);
    if (!buf || n == 0 || n > S_KEY_FILE_MAX) {
        free (buf);
        return qs_err_set (err, 500, "config", "QS_JWT_PUBLIC_KEY_FILE %s is empty or too large",
                           path);
    }
    buf[n] = '\0';
    env->key = buf;
    env->key_len = n;
    env->alg = qs_jwt_alg_for_pem (buf, n, err);
    return env->alg ? 0 : -1;
}

int
qs_jwt_env_load (qs_jwt_env_t *env, qs_err_t *err)
{
    memset (env, 0, sizeof *env);
    const char *issuer = qs_env_str ("QS_JWT_ISSUER", "");
    const char *audience = qs_env_str ("QS_JWT_AUDIENCE", "");
    if (qs_strlcpy (env->issuer, issuer, sizeof env->issuer) >= sizeof env->issuer)
        return qs_err_set (err, 500, "config", "QS_JWT_ISSUER is too long");
    if (qs_strlcpy (env->audience, audience, sizeof env->audience) >= sizeof env->audience)
        return qs_err_set (err, 500, "config", "QS_JWT_AUDIENCE is too long");
    const char *key_file = qs_env_str ("QS_JWT_PUBLIC_KEY_FILE", NULL);
    const char *secret = qs_env_str ("QS_JWT_SECRET", NULL);
    if (key_file) {
        if (secret)
            qs_warn (NULL, "config: both QS_JWT_PUBLIC_KEY_FILE and QS_JWT_SECRET are set; "
                     "only tokens signed for the public key are accepted");
        return s_read_key_file (env, key_file, err);
    }
    env->alg = QS_JWT_HS256;
    env->dev_secret = secret == NULL;
    env->key = strdup (secret ? secret : QS_DEV_JWT_SECRET);
    if (!env->key)
        return qs_err_set (err, 500, "config", "out of memory");
    env->key_len = strlen (env->key);
    if (!env->dev_secret && env->key_len < 32)
        qs_warn (NULL, "config: QS_JWT_SECRET is shorter than 32 bytes; use a longer random secret");
    return 0;
}

void
qs_jwt_env_free (qs_jwt_env_t *env)
{
    if (!env)
        return;
    if (env->key) {
        explicit_bzero (env->key, env->key_len);
        free (env->key);
    }
    env->key = NULL;
    env->key_len = 0;
}
