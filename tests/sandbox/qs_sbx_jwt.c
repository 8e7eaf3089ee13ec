/*  qs_sbx_jwt - see qs_sbx_jwt.h */
#include "qs_sbx_jwt.h"
#include "qs_util.h"
#include <errno.h>
#include <json-c/json.h>
#include <jwt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_LEEWAY 60

int
qs_sbx_jwt_verify (const char *authorization, const char *secret, int64_t now_s,
                   qs_auth_t *auth, qs_err_t *err)
{
    jwt_t *jwt = NULL;
    char *roles_text = NULL;
    json_object *roles = NULL;
    int rc = -1;
    memset (auth, 0, sizeof *auth);
    if (!authorization || strncasecmp (authorization, "Bearer ", 7) != 0) {
        qs_err_set (err, 401, "unauthorized", "missing bearer token");
        goto cleanup;
    }
    const char *token = authorization + 7;
    while (*token == ' ')
        token++;
    if (!*token || !secret || !*secret
        || jwt_decode (&jwt, token, (const unsigned char *) secret, (int) strlen (secret)) != 0
        || !jwt || jwt_get_alg (jwt) != JWT_ALG_HS256) {
        qs_err_set (err, 401, "unauthorized", "invalid token");
        goto cleanup;
    }
    errno = 0;
    long exp = jwt_get_grant_int (jwt, "exp");
    if (errno == 0 && exp + S_LEEWAY < now_s) {
        qs_err_set (err, 401, "unauthorized", "token expired");
        goto cleanup;
    }
    errno = 0;
    long nbf = jwt_get_grant_int (jwt, "nbf");
    if (errno == 0 && nbf - S_LEEWAY > now_s) {
        qs_err_set (err, 401, "unauthorized", "token not yet valid");
        goto cleanup;
    }
    const char *sub = jwt_get_grant (jwt, "sub");
    const char *org = jwt_get_grant (jwt, "org_id");
    if (!sub || !*sub || !org || !*org) {
        qs_err_set (err, 401, "unauthorized", "token lacks sub or org_id");
        goto cleanup;
    }
    qs_strlcpy (auth->sub, sub, sizeof auth->sub);
    qs_strlcpy (auth->org_id, org, sizeof auth->org_id);
    const char *tier = jwt_get_grant (jwt, "tier");
    qs_strlcpy (auth->tier, tier && *tier ? tier : "free", sizeof auth->tier);
    roles_text = jwt_get_grants_json (jwt, "roles");
    roles = roles_text ? json_tokener_parse (roles_text) : NULL;
    if (roles && json_object_is_type (roles, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length (roles); i++)
            auth->roles |= qs_auth_role_bit (json_object_get_string (json_object_array_get_idx (roles, i)));
    }
    if (!auth->roles)
        auth->roles = QS_ROLE_VIEWER;
    rc = 0;
cleanup:
    json_object_put (roles);
    free (roles_text);
    jwt_free (jwt);
    return rc;
}
