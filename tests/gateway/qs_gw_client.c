/*  qs_gw_client - see qs_gw_client.h */
#include "qs_gw_client.h"
#include "qs_json.h"
#include "qs_util.h"
#include <check.h>
#include <curl/curl.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int s_port;

void
qs_gw_client_port (int port)
{
    s_port = port;
}

typedef struct {
    qs_gw_resp_t *resp;
    const qs_gw_req_t *req;
} s_sink_t;

static size_t
s_on_body (char *data, size_t size, size_t n, void *arg)
{
    s_sink_t *sink = arg;
    qs_gw_resp_t *r = sink->resp;
    size_t add = size * n;
    char *grown = realloc (r->body, r->len + add + 1);
    if (!grown)
        return 0;
    r->body = grown;
    memcpy (r->body + r->len, data, add);
    r->len += add;
    r->body[r->len] = '\0';
    if (sink->req->abort_marker && strstr (r->body, sink->req->abort_marker))
        return 0;                /* the client "goes away" */
    return add;
}

static size_t
s_on_header (char *data, size_t size, size_t n, void *arg)
{
    qs_gw_resp_t *r = arg;
    size_t add = size * n, used = strlen (r->headers);
    if (used + add < sizeof r->headers) {
        memcpy (r->headers + used, data, add);
        r->headers[used + add] = '\0';
    }
    return add;
}

void
qs_gw_http (const qs_gw_req_t *req, qs_gw_resp_t *resp)
{
    memset (resp, 0, sizeof *resp);
    resp->body = calloc (1, 1);
    CURL *curl = curl_easy_init ();
    char url[512], line[8192];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", s_port, req->path);
    struct curl_slist *headers = NULL;
    if (req->auth_header || req->token) {
        if (req->auth_header)
            snprintf (line, sizeof line, "Authorization: %s", req->auth_header);
        else
            snprintf (line, sizeof line, "Authorization: Bearer %s", req->token);
        headers = curl_slist_append (headers, line);
    }
    if (req->request_id) {
        snprintf (line, sizeof line, "X-Request-Id: %s", req->request_id);
        headers = curl_slist_append (headers, line);
    }
    if (req->traceparent) {
        snprintf (line, sizeof line, "traceparent: %s", req->traceparent);
        headers = curl_slist_append (headers, line);
    }
    if (req->body) {
        snprintf (line, sizeof line, "Content-Type: %s",
                  req->content_type ? req->content_type : "application/json");
        headers = curl_slist_append (headers, line);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE,
                          (long) (req->body_len ? req->body_len : strlen (req->body)));
    }
    else
    if (req->method && !strcmp (req->method, "POST")) {
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, 0L);
    }
    headers = curl_slist_append (headers, "Expect:");
    if (req->method)
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, req->method);
    s_sink_t sink = { resp, req };
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    resp->curl_rc = curl_easy_perform (curl);
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
}

void
qs_gw_resp_free (qs_gw_resp_t *resp)
{
    free (resp->body);
    resp->body = NULL;
}

const char *
qs_gw_header (const qs_gw_resp_t *resp, const char *name, char *out, size_t size)
{
    size_t nlen = strlen (name);
    const char *p = resp->headers;
    while (p && *p) {
        const char *eol = strstr (p, "\r\n");
        if (!eol)
            break;
        if (!strncasecmp (p, name, nlen) && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            while (*v == ' ')
                v++;
            size_t vlen = (size_t) (eol - v);
            if (vlen >= size)
                vlen = size - 1;
            memcpy (out, v, vlen);
            out[vlen] = '\0';
            return out;
        }
        p = eol + 2;
    }
    return NULL;
}

char *
qs_gw_token (const char *sub, const char *roles, long exp_in, const char *secret)
{
    jwt_t *jwt = NULL;
    if (jwt_new (&jwt) != 0)
        return NULL;
    char *claims = qs_strdupf ("{\"sub\":\"%s\",\"org_id\":\"org-1\",\"tier\":\"pro\",\"exp\":%ld%s%s}",
                               sub, (long) time (NULL) + exp_in, roles ? ",\"roles\":" : "",
                               roles ? roles : "");
    secret = secret ? secret : QS_GW_TEST_SECRET;
    char *token = NULL;
    if (claims && jwt_add_grants_json (jwt, claims) == 0
        && jwt_set_alg (jwt, JWT_ALG_HS256, (const unsigned char *) secret, (int) strlen (secret)) == 0)
        token = jwt_encode_str (jwt);
    free (claims);
    jwt_free (jwt);
    return token;
}

//  Parse a body as JSON and check the contract's error shape.
json_object *
qs_gw_error_shape (const qs_gw_resp_t *r, long status, const char *code)
{
    ck_assert_msg (r->status == status, "status %ld, wanted %ld: %s", r->status, status, r->body);
    char ct[128], rid[128];
    ck_assert_ptr_nonnull (qs_gw_header (r, "Content-Type", ct, sizeof ct));
    ck_assert_ptr_nonnull (strstr (ct, "application/json"));
    ck_assert_ptr_nonnull (qs_gw_header (r, "X-Request-Id", rid, sizeof rid));
    json_object *obj = json_tokener_parse (r->body);
    ck_assert_ptr_nonnull (obj);
    json_object *e = qs_json_get (obj, "error", json_type_object);
    ck_assert_ptr_nonnull (e);
    ck_assert_str_eq (qs_json_str (e, "code", ""), code);
    ck_assert_str_ne (qs_json_str (e, "message", ""), "");
    ck_assert_str_eq (qs_json_str (e, "request_id", ""), rid);
    return obj;
}

void
qs_gw_expect_error (const qs_gw_req_t *req, long status, const char *code)
{
    qs_gw_resp_t r;
    qs_gw_http (req, &r);
    json_object_put (qs_gw_error_shape (&r, status, code));
    qs_gw_resp_free (&r);
}
