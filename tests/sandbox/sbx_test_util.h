/*  sbx_test_util - helpers the sandbox suites share: mint tokens and drive
    a socket-free server. Header-only (static) so each suite stays one file. */
#ifndef SBX_TEST_UTIL_H
#define SBX_TEST_UTIL_H

#include "qs_sbx_server.h"
#include "qs_sbx_k8s.h"
#include "qs_json.h"
#include "qs_util.h"
#include <check.h>
#include <jwt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SBX_SECRET "sandbox-test-secret"
#define SBX_K8S "Bearer " QS_SBX_K8S_DEFAULT_TOKEN

/*  "Bearer <jwt>" for (sub, org, roles csv) expiring exp_offset s from now,
    signed with secret (alg "none" when secret is NULL). Caller frees. */
static inline char *
sbx_token (const char *sub, const char *org, const char *roles, long exp_offset, const char *secret)
{
    jwt_t *jwt = NULL;
    char grants[512], *enc, *out;
    ck_assert_int_eq (jwt_new (&jwt), 0);
    char list[128] = "", *save = NULL, buf[128];
    qs_strlcpy (buf, roles, sizeof buf);
    for (char *r = strtok_r (buf, ",", &save); r; r = strtok_r (NULL, ",", &save)) {
        size_t n = strlen (list);
        snprintf (list + n, sizeof list - n, "%s\"%s\"", n ? "," : "", r);
    }
    long now = (long) time (NULL);
    if (org)
        snprintf (grants, sizeof grants, "{\"sub\":\"%s\",\"org_id\":\"%s\",\"roles\":[%s],\"exp\":%ld}",
                  sub, org, list, now + exp_offset);
    else
        snprintf (grants, sizeof grants, "{\"sub\":\"%s\",\"roles\":[%s],\"exp\":%ld}", sub, list,
                  now + exp_offset);
    ck_assert_int_eq (jwt_add_grants_json (jwt, grants), 0);
    if (secret)
        ck_assert_int_eq (jwt_set_alg (jwt, JWT_ALG_HS256, (const unsigned char *) secret,
                                       (int) strlen (secret)), 0);
    enc = jwt_encode_str (jwt);
    ck_assert_ptr_nonnull (enc);
    out = qs_strdupf ("Bearer %s", enc);
    free (enc);
    jwt_free (jwt);
    return out;
}

static inline qs_sbx_server_t *
sbx_server (int delay_ms)
{
    qs_sbx_config_t cfg;
    memset (&cfg, 0, sizeof cfg);
    qs_strlcpy (cfg.host, "127.0.0.1", sizeof cfg.host);
    cfg.port = 0;
    qs_strlcpy (cfg.secret, SBX_SECRET, sizeof cfg.secret);
    qs_strlcpy (cfg.k8s_token, QS_SBX_K8S_DEFAULT_TOKEN, sizeof cfg.k8s_token);
    cfg.provision_delay_ms = delay_ms;
    qs_sbx_server_t *s = qs_sbx_server_new (&cfg, qs_now_ms ());
    ck_assert_ptr_nonnull (s);
    return s;
}

/*  One request; returns the parsed JSON body (NULL when not JSON) and the
    status in *status. Caller puts the object. */
static inline json_object *
sbx_call_full (qs_sbx_server_t *s, const char *method, const char *path, const char *query,
               const char *auth, const char *body, const char *idem, int64_t now_ms, int *status,
               qs_sbx_resp_t *keep)
{
    qs_sbx_req_t req = {.method = method, .path = path, .query = query, .authorization = auth,
                        .idempotency_key = idem, .request_id = "test", .body = body,
                        .body_len = body ? strlen (body) : 0, .now_ms = now_ms ? now_ms : qs_now_ms ()};
    qs_sbx_resp_t resp;
    memset (&resp, 0, sizeof resp);
    qs_sbx_server_handle (s, &req, &resp);
    *status = resp.status;
    const char *why = NULL;
    json_object *o = resp.body_len && !strcmp (resp.content_type, "application/json")
                         ? qs_json_parse (resp.body, resp.body_len, &why) : NULL;
    if (keep)
        *keep = resp;
    else
        qs_sbx_resp_clear (&resp);
    return o;
}

static inline json_object *
sbx_call (qs_sbx_server_t *s, const char *method, const char *path, const char *query,
          const char *auth, const char *body, int *status)
{
    return sbx_call_full (s, method, path, query, auth, body, NULL, 0, status, NULL);
}

#endif
