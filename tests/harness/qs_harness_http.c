/*  qs_harness_http - tokens and HTTP calls against the suite (see qs_harness.h) */
#include "qs_harness.h"
#include "qs_cli_http.h"
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_json.h"
#include "qs_util.h"

char *
qs_harness_token_with (const char *secret, const char *sub, const char *org, const char *roles,
                       const char *tier)
{
    //  the CLI's dev-token minter, with the secret the suite is started with
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .roles = roles, .tier = tier};
    qs_err_t err = {0};
    return qs_cli_token_mint (&opts, secret, &err);
}

char *
qs_harness_token (const char *sub, const char *org, const char *roles)
{
    return qs_harness_token_with (QS_DEV_JWT_SECRET, sub, org, roles, "pro");
}

long
qs_harness_http_timed (const char *method, const char *base, const char *path, const char *token,
                       const char *body, long timeout_ms, int64_t *ms_p, json_object **json_p)
{
    json_object *jbody = body ? json_tokener_parse (body) : NULL;
    qs_cli_resp_t resp;
    qs_err_t err = {0};
    long status = 0;
    if (json_p)
        *json_p = NULL;
    int64_t t0 = qs_mono_ms ();
    if (qs_cli_http (method, base, path, token, jbody, timeout_ms ? timeout_ms : 60000, &resp,
                     &err) == 0) {
        status = resp.status;
        if (json_p && resp.body)
            *json_p = qs_json_parse (resp.body, resp.len, NULL);
        qs_cli_resp_free (&resp);
    }
    if (ms_p)
        *ms_p = qs_mono_ms () - t0;
    json_object_put (jbody);
    return status;
}

long
qs_harness_http (const char *method, const char *base, const char *path, const char *token,
                 const char *body, json_object **json_p)
{
    return qs_harness_http_timed (method, base, path, token, body, 60000, NULL, json_p);
}
