/*  qs_harness_http - tokens, HTTP calls and the sandbox's control routes (see qs_harness.h) */
#include "qs_harness.h"
#include "qs_cli_http.h"
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  the CLI's dev-token minter, with the secret the suite is started with
static char *
s_mint (const char *secret, const char *sub, const char *org, const char *roles, const char *tier)
{
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .roles = roles, .tier = tier};
    qs_err_t err = {0};
    return qs_cli_token_mint (&opts, secret, &err);
}

char *
qs_harness_token (const char *sub, const char *org, const char *roles)
{
    return s_mint (QS_DEV_JWT_SECRET, sub, org, roles, "pro");
}

int
qs_harness_auth (qs_auth_t *auth, const char *secret, const char *sub, const char *org,
                 const char *role, const char *tier)
{
    memset (auth, 0, sizeof *auth);
    snprintf (auth->sub, sizeof auth->sub, "%s", sub);
    snprintf (auth->org_id, sizeof auth->org_id, "%s", org);
    auth->roles = qs_auth_role_bit (role);
    char *token = s_mint (secret, sub, org, role, tier);
    int rc = token && strlen (token) < sizeof auth->token ? 0 : -1;
    if (rc == 0)
        snprintf (auth->token, sizeof auth->token, "%s", token);
    free (token);
    return rc;
}

long
qs_harness_http_timed (const char *method, const char *base, const char *path, const char *token,
                       const char *body, long timeout_ms, int64_t *ms_p, json_object **json_p)
{
    json_object *jbody = body ? json_tokener_parse (body) : NULL;
    qs_http_resp_t resp;
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
        qs_http_resp_clear (&resp);
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

json_object *
qs_harness_audit_all (const char *base, const char *token, int page_size)
{
    json_object *all = json_object_new_array ();
    char path[300];
    snprintf (path, sizeof path, "/api/v1/audit?limit=%d", page_size);
    for (;;) {
        json_object *page = NULL;
        long status = qs_harness_http ("GET", base, path, token, NULL, &page);
        json_object *entries = qs_json_get (page, "entries", json_type_array);
        if (status != 200 || !entries) {
            fprintf (stderr, "GET %s -> %ld\n", path, status);
            json_object_put (page);
            json_object_put (all);
            return NULL;
        }
        for (size_t i = 0; i < json_object_array_length (entries); i++)
            json_object_array_add (all, json_object_get (json_object_array_get_idx (entries, i)));
        const char *next = qs_json_str (page, "next_cursor", NULL);
        if (next)
            snprintf (path, sizeof path, "/api/v1/audit?limit=%d&cursor=%s", page_size, next);
        json_object_put (page);
        if (!next)
            return all;
    }
}

int
qs_harness_sandbox_reset (qs_harness_t *self)
{
    long status = qs_harness_http_timed ("POST", qs_harness_sandbox (self), "/__sandbox/reset",
                                         NULL, "{}", 2000, NULL, NULL);
    return status == 200 ? 0 : -1;
}

int
qs_harness_sandbox_fault (qs_harness_t *self, const char *rule_json)
{
    long status = qs_harness_http_timed ("POST", qs_harness_sandbox (self), "/__sandbox/faults",
                                         NULL, rule_json, 2000, NULL, NULL);
    return status == 201 || status == 200 ? 0 : -1;
}
