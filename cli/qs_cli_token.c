/*  qs_cli_token - see qs_cli_token.h */
#include "qs_cli_token.h"
#include "qs_auth.h"
#include "qs_util.h"
#include <jwt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
s_valid_tier (const char *tier)
{
    static const char *tiers[] = {"free", "starter", "pro", "enterprise", NULL};
    for (int i = 0; tiers[i]; i++)
        if (!strcmp (tier, tiers[i]))
            return 1;
    return 0;
}

char *
qs_cli_token_mint (const qs_cli_token_opts_t *opts, const char *secret, qs_err_t *err)
{
    jwt_t *jwt = NULL;
    char *out = NULL;
    json_object *roles = json_object_new_array ();
    json_object *grants = json_object_new_object ();
    const char *tier = opts->tier ? opts->tier : "free";
    if (!opts->sub || !*opts->sub || !opts->org_id || !*opts->org_id) {
        qs_err_set (err, 400, "bad_request", "--sub and --org are required");
        goto cleanup;
    }
    if (!s_valid_tier (tier)) {
        qs_err_set (err, 400, "bad_request", "unknown tier '%s' (free|starter|pro|enterprise)", tier);
        goto cleanup;
    }
    char list[256];
    qs_strlcpy (list, opts->roles ? opts->roles : "viewer", sizeof list);
    char *save = NULL;
    for (char *r = strtok_r (list, ",", &save); r; r = strtok_r (NULL, ",", &save)) {
        if (!qs_auth_role_bit (r)) {
            qs_err_set (err, 400, "bad_request", "unknown role '%s' (admin|member|viewer)", r);
            goto cleanup;
        }
        json_object_array_add (roles, json_object_new_string (r));
    }
    long now = (long) time (NULL);
    json_object_object_add (grants, "sub", json_object_new_string (opts->sub));
    json_object_object_add (grants, "org_id", json_object_new_string (opts->org_id));
    json_object_object_add (grants, "tier", json_object_new_string (tier));
    json_object_object_add (grants, "roles", roles);
    roles = NULL;
    json_object_object_add (grants, "iat", json_object_new_int64 (now));
    json_object_object_add (grants, "exp",
                            json_object_new_int64 (now + (opts->ttl_seconds > 0 ? opts->ttl_seconds : 3600)));
    if (opts->issuer)
        json_object_object_add (grants, "iss", json_object_new_string (opts->issuer));
    if (opts->audience)
        json_object_object_add (grants, "aud", json_object_new_string (opts->audience));
    if (jwt_new (&jwt) != 0
        || jwt_set_alg (jwt, JWT_ALG_HS256, (const unsigned char *) secret, (int) strlen (secret)) != 0
        || jwt_add_grants_json (jwt, json_object_to_json_string (grants)) != 0) {
        qs_err_set (err, 500, "internal_error", "could not build the token");
        goto cleanup;
    }
    out = jwt_encode_str (jwt);
    if (!out)
        qs_err_set (err, 500, "internal_error", "could not sign the token");
cleanup:
    json_object_put (roles);
    json_object_put (grants);
    jwt_free (jwt);
    return out;
}
