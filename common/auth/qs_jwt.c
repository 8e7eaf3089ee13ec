/*  qs_jwt - see qs_jwt.h */
#include "qs_jwt.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_jwtlib.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QS_JWT_MAX_TOKEN 4095   /* what qs_auth_t.token holds */

struct _qs_jwt_t {
    qs_jwt_alg_t alg;
    unsigned char *key;
    size_t key_len;
    char *issuer;               /* NULL = not checked */
    char *audience;             /* NULL = not checked */
};

static jwt_alg_t
s_libjwt_alg (qs_jwt_alg_t alg)
{
    switch (alg) {
        case QS_JWT_HS256: return JWT_ALG_HS256;
        case QS_JWT_RS256: return JWT_ALG_RS256;
        case QS_JWT_ES256: return JWT_ALG_ES256;
    }
    return JWT_ALG_INVAL;
}

qs_jwt_alg_t
qs_jwt_alg_parse (const char *name)
{
    if (!name)
        return 0;
    if (!strcmp (name, "HS256"))
        return QS_JWT_HS256;
    if (!strcmp (name, "RS256"))
        return QS_JWT_RS256;
    if (!strcmp (name, "ES256"))
        return QS_JWT_ES256;
    return 0;
}

const char *
qs_jwt_alg_name (qs_jwt_alg_t alg)
{
    switch (alg) {
        case QS_JWT_HS256: return "HS256";
        case QS_JWT_RS256: return "RS256";
        case QS_JWT_ES256: return "ES256";
    }
    return "?";
}

qs_jwt_alg_t
qs_jwt_alg_for_pem (const char *pem, size_t len, qs_err_t *err)
{
    qs_jwt_alg_t alg = 0;
    EVP_PKEY *key = NULL;
    char why[160];
    const qs_jwtlib_t *api = qs_jwtlib (why, sizeof why);
    if (!api)
        return qs_err_set (err, 500, "internal_error", "jwt: %s", why), 0;
    BIO *bio = (pem && len > 0 && len < INT32_MAX) ? api->bio_new_mem_buf (pem, (int) len) : NULL;
    if (bio)
        key = api->pem_read_bio_pubkey (bio, NULL, NULL, NULL);
    if (!key) {
        qs_err_set (err, 500, "internal_error", "jwt: the key file holds no PEM public key");
        goto cleanup;
    }
    int id = api->evp_pkey_get_base_id (key);
    if (id == EVP_PKEY_RSA && api->evp_pkey_get_bits (key) >= 2048)
        alg = QS_JWT_RS256;
    else
    if (id == EVP_PKEY_EC && api->evp_pkey_get_bits (key) == 256)
        alg = QS_JWT_ES256;
    else
        qs_err_set (err, 500, "internal_error",
                    "jwt: the public key must be RSA (2048+ bits) or EC P-256");
cleanup:
    api->evp_pkey_free (key);
    api->bio_free (bio);
    return alg;
}

static char *
s_dup_opt (const char *s)
{
    return (s && *s) ? strdup (s) : NULL;
}

qs_jwt_t *
qs_jwt_new (const qs_jwt_config_t *config, qs_err_t *err)
{
    if (!config || s_libjwt_alg (config->alg) == JWT_ALG_INVAL) {
        qs_err_set (err, 500, "internal_error", "jwt: unknown algorithm");
        return NULL;
    }
    size_t len = config->key ? (config->key_len ? config->key_len : strlen (config->key)) : 0;
    if (len == 0) {
        //  libjwt accepts any signature when given no key: refuse outright
        qs_err_set (err, 500, "internal_error", "jwt: no %s key configured",
                    qs_jwt_alg_name (config->alg));
        return NULL;
    }
    qs_jwt_t *self = calloc (1, sizeof *self);
    if (!self)
        goto oom;
    self->alg = config->alg;
    self->key = malloc (len + 1);
    if (!self->key)
        goto oom;
    memcpy (self->key, config->key, len);
    self->key[len] = '\0';
    self->key_len = len;
    self->issuer = s_dup_opt (config->issuer);
    self->audience = s_dup_opt (config->audience);
    if ((config->issuer && *config->issuer && !self->issuer)
        || (config->audience && *config->audience && !self->audience))
        goto oom;
    return self;
oom:
    qs_jwt_destroy (&self);
    qs_err_set (err, 500, "internal_error", "jwt: out of memory");
    return NULL;
}

void
qs_jwt_destroy (qs_jwt_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_jwt_t *self = *self_p;
    if (self->key) {
        explicit_bzero (self->key, self->key_len);
        free (self->key);
    }
    free (self->issuer);
    free (self->audience);
    free (self);
    *self_p = NULL;
}

const char *
qs_jwt_from_header (const char *header)
{
    if (!header)
        return NULL;
    while (*header == ' ')
        header++;
    if (strncasecmp (header, "Bearer", 6) != 0 || header[6] != ' ')
        return NULL;
    header += 6;
    while (*header == ' ')
        header++;
    return *header ? header : NULL;
}

//  A NumericDate claim: integer or fractional seconds. -1 when absent or not
//  a number (a string "exp" is as good as none).
static int
s_numeric_date (json_object *claims, const char *name, int64_t *out)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex (claims, name, &v) || !v)
        return -1;
    json_type t = json_object_get_type (v);
    if (t == json_type_int) {
        *out = json_object_get_int64 (v);
        return 0;
    }
    if (t == json_type_double) {
        double d = json_object_get_double (v);
        if (!isfinite (d) || d > 9.0e15 || d < -9.0e15)
            return -1;
        *out = (int64_t) floor (d);
        return 0;
    }
    return -1;
}

static bool
s_aud_matches (json_object *claims, const char *audience)
{
    json_object *aud = NULL;
    if (!json_object_object_get_ex (claims, "aud", &aud) || !aud)
        return false;
    if (json_object_is_type (aud, json_type_string))
        return strcmp (json_object_get_string (aud), audience) == 0;
    if (json_object_is_type (aud, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length (aud); i++) {
            json_object *a = json_object_array_get_idx (aud, i);
            if (json_object_is_type (a, json_type_string)
                && strcmp (json_object_get_string (a), audience) == 0)
                return true;
        }
    }
    return false;
}

static bool
s_tier_known (const char *tier)
{
    return !strcmp (tier, "free") || !strcmp (tier, "starter") || !strcmp (tier, "pro")
        || !strcmp (tier, "enterprise");
}

//  Copy a required, non-empty string claim that fits dst.
static int
s_required_str (json_object *claims, const char *name, char *dst, size_t size)
{
    json_object *v = qs_json_get (claims, name, json_type_string);
    if (!v)
        return -1;
    const char *s = json_object_get_string (v);
    if (!*s || qs_strlcpy (dst, s, size) >= size)
        return -1;
    return 0;
}

static int
s_check_claims (qs_jwt_t *self, json_object *claims, int64_t now_s, qs_auth_t *auth,
                qs_err_t *err)
{
    int64_t exp = 0, nbf = 0;
    if (s_numeric_date (claims, "exp", &exp) != 0)
        return qs_err_set (err, 401, "unauthorized", "token has no expiry (exp)");
    if (now_s > exp + QS_JWT_LEEWAY_S)
        return qs_err_set (err, 401, "unauthorized", "token expired");
    json_object *nbf_obj = NULL;
    if (json_object_object_get_ex (claims, "nbf", &nbf_obj)) {
        if (s_numeric_date (claims, "nbf", &nbf) != 0)
            return qs_err_set (err, 401, "unauthorized", "token has a malformed nbf");
        if (now_s + QS_JWT_LEEWAY_S < nbf)
            return qs_err_set (err, 401, "unauthorized", "token not yet valid");
    }
    if (self->issuer) {
        const char *iss = qs_json_str (claims, "iss", NULL);
        if (!iss || strcmp (iss, self->issuer) != 0)
            return qs_err_set (err, 401, "unauthorized", "token issuer not accepted");
    }
    if (self->audience && !s_aud_matches (claims, self->audience))
        return qs_err_set (err, 401, "unauthorized", "token audience not accepted");
    if (s_required_str (claims, "sub", auth->sub, sizeof auth->sub) != 0)
        return qs_err_set (err, 401, "unauthorized", "token lacks a valid sub claim");
    if (s_required_str (claims, "org_id", auth->org_id, sizeof auth->org_id) != 0)
        return qs_err_set (err, 401, "unauthorized", "token lacks a valid org_id claim");

    //  An unknown tier gets the least rights rather than locking the user out
    const char *tier = qs_json_str (claims, "tier", "free");
    qs_strlcpy (auth->tier, s_tier_known (tier) ? tier : "free", sizeof auth->tier);

    auth->roles = 0;
    json_object *roles = qs_json_get (claims, "roles", json_type_array);
    for (size_t i = 0; roles && i < json_object_array_length (roles); i++) {
        json_object *r = json_object_array_get_idx (roles, i);
        if (json_object_is_type (r, json_type_string))
            auth->roles |= qs_auth_role_bit (json_object_get_string (r));
    }
    if (!auth->roles)
        auth->roles = QS_ROLE_VIEWER;
    return 0;
}

int
qs_jwt_verify (qs_jwt_t *self, const char *token, int64_t now_s, qs_auth_t *auth,
               qs_err_t *err)
{
    if (!self || !auth)
        return qs_err_set (err, 500, "internal_error", "jwt: no verifier");
    memset (auth, 0, sizeof *auth);
    jwt_t *jwt = NULL;
    char *grants = NULL;
    json_object *claims = NULL;
    int rc = -1;

    if (!token || !*token)
        return qs_err_set (err, 401, "unauthorized", "missing bearer token");
    size_t len = strlen (token);
    if (len > QS_JWT_MAX_TOKEN)
        return qs_err_set (err, 401, "unauthorized", "bearer token too large");
    char missing[160];
    const qs_jwtlib_t *api = qs_jwtlib (missing, sizeof missing);
    if (!api)
        return qs_err_set (err, 503, "service_unavailable", "jwt: %s", missing);

    //  Always with the configured key: a NULL key makes libjwt skip the check
    if (api->jwt_decode (&jwt, token, self->key, (int) self->key_len) != 0 || !jwt) {
        qs_err_set (err, 401, "unauthorized", "invalid token");
        goto cleanup;
    }
    //  Pin the algorithm: rejects alg none and key confusion (an HS256 token
    //  signed with the RS256 public key's text verifies in libjwt otherwise)
    if (api->jwt_get_alg (jwt) != s_libjwt_alg (self->alg)) {
        qs_err_set (err, 401, "unauthorized", "token algorithm not accepted");
        goto cleanup;
    }
    grants = api->jwt_get_grants_json (jwt, NULL);
    const char *why = NULL;
    claims = grants ? qs_json_parse (grants, strlen (grants), &why) : NULL;
    if (!claims || !json_object_is_type (claims, json_type_object)) {
        qs_err_set (err, 401, "unauthorized", "token claims are malformed");
        goto cleanup;
    }
    if (s_check_claims (self, claims, now_s, auth, err) != 0)
        goto cleanup;
    qs_strlcpy (auth->token, token, sizeof auth->token);
    rc = 0;
cleanup:
    if (rc != 0)
        memset (auth, 0, sizeof *auth);
    json_object_put (claims);
    free (grants);
    if (jwt)
        api->jwt_free (jwt);
    return rc;
}

/*  issue 11: the broker's qs_broker_verify_fn, so bus integrations are
    verified with exactly the gateway's rules. arg is the qs_jwt_t. */
int
qs_jwt_verify_bus (void *arg, const char *token, qs_auth_t *auth, qs_err_t *err)
{
    if (!token) {
        /* the broker thread is ending: free OpenSSL's state for it now, as
           czmq's detached threads may still be unwinding at exit (none
           when no token was ever checked: libcrypto was never loaded) */
        const qs_jwtlib_t *api = qs_jwtlib_loaded ();
        if (api)
            api->openssl_thread_stop ();
        return 0;
    }
    return qs_jwt_verify ((qs_jwt_t *) arg, token, qs_now_ms () / 1000, auth, err);
}
