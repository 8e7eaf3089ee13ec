/*  qs_http - see qs_http.h */
#include "qs_http.h"
#include <curl/curl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct _qs_http_t {
    CURL *curl;
    long connections;
};

typedef struct {
    qs_http_resp_t *resp;
    size_t cap;
    size_t max;
    bool overflow;
} s_sink_t;

int
qs_http_global_init (void)
{
    return curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

qs_http_t *
qs_http_new (void)
{
    qs_http_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->curl = curl_easy_init ();
    if (!self->curl) {
        free (self);
        return NULL;
    }
    return self;
}

void
qs_http_destroy (qs_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    curl_easy_cleanup ((*self_p)->curl);
    free (*self_p);
    *self_p = NULL;
}

long
qs_http_connections (qs_http_t *self)
{
    return self ? self->connections : 0;
}

void
qs_http_resp_clear (qs_http_resp_t *resp)
{
    if (!resp)
        return;
    free (resp->body);
    memset (resp, 0, sizeof *resp);
}

static size_t
s_on_body (char *data, size_t size, size_t nmemb, void *arg)
{
    s_sink_t *sink = arg;
    size_t n = size * nmemb;
    qs_http_resp_t *r = sink->resp;
    if (r->len + n > sink->max) {
        sink->overflow = true;
        return 0;                   /* aborts the transfer */
    }
    if (r->len + n + 1 > sink->cap) {
        size_t cap = sink->cap ? sink->cap : 4096;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *grown = realloc (r->body, cap);
        if (!grown)
            return 0;
        r->body = grown;
        sink->cap = cap;
    }
    memcpy (r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
    return n;
}

static size_t
s_on_header (char *data, size_t size, size_t nmemb, void *arg)
{
    s_sink_t *sink = arg;
    size_t n = size * nmemb;
    static const char name[] = "retry-after:";
    if (n > sizeof name - 1 && strncasecmp (data, name, sizeof name - 1) == 0) {
        const char *p = data + sizeof name - 1;
        const char *end = data + n;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        long v = 0;
        while (p < end && isdigit ((unsigned char) *p) && v < 86400)
            v = v * 10 + (*p++ - '0');
        sink->resp->retry_after = (int) v;
    }
    return n;
}

static qs_http_fail_t
s_classify (CURLcode rc)
{
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return QS_HTTP_TIMEOUT;
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
            return QS_HTTP_CONNECT;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            return QS_HTTP_TLS;
        default:
            return QS_HTTP_OTHER;
    }
}

int
qs_http_perform (qs_http_t *self, const qs_http_req_t *req, qs_http_resp_t *resp)
{
    memset (resp, 0, sizeof *resp);
    if (!self || !req || !req->url || !req->method || req->timeout_ms <= 0) {
        resp->fail = req && req->timeout_ms <= 0 ? QS_HTTP_TIMEOUT : QS_HTTP_OTHER;
        snprintf (resp->detail, sizeof resp->detail, "%s",
                  resp->fail == QS_HTTP_TIMEOUT ? "no time left" : "bad request parameters");
        return -1;
    }
    CURL *c = self->curl;
    s_sink_t sink = {.resp = resp, .max = req->max_body ? req->max_body : 8u << 20};
    struct curl_slist *hdrs = NULL;
    char line[256];
    int rc = -1;

    /* reset options but keep the connection cache and TLS session */
    curl_easy_reset (c);
    if (req->bearer && *req->bearer) {
        /* sized to the token: service-account tokens can exceed a fixed line */
        size_t n = strlen (req->bearer) + sizeof "Authorization: Bearer ";
        char *auth = malloc (n);
        if (auth) {
            snprintf (auth, n, "Authorization: Bearer %s", req->bearer);
            hdrs = curl_slist_append (hdrs, auth);
            memset (auth, 0, n);
            free (auth);
        }
        if (!hdrs) {
            resp->fail = QS_HTTP_OTHER;
            snprintf (resp->detail, sizeof resp->detail, "out of memory");
            return -1;
        }
    }
    hdrs = curl_slist_append (hdrs, "Accept: application/json, text/plain;q=0.9");
    if (req->body) {
        snprintf (line, sizeof line, "Content-Type: %s",
                  req->content_type ? req->content_type : "application/json");
        hdrs = curl_slist_append (hdrs, line);
    }
    /* no "Expect: 100-continue" round trip */
    hdrs = curl_slist_append (hdrs, "Expect:");
    for (size_t i = 0; req->headers && req->headers[i]; i++)
        hdrs = curl_slist_append (hdrs, req->headers[i]);
    if (!hdrs) {
        resp->fail = QS_HTTP_OTHER;
        snprintf (resp->detail, sizeof resp->detail, "out of memory");
        return -1;
    }
    int64_t connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
                         : (req->timeout_ms < 3000 ? req->timeout_ms : 3000);
    curl_easy_setopt (c, CURLOPT_URL, req->url);
    curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) req->timeout_ms);
    curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) connect_ms);
    curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt (c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (req->ca_file && *req->ca_file)
        curl_easy_setopt (c, CURLOPT_CAINFO, req->ca_file);
    if (strcmp (req->method, "HEAD") == 0)
        curl_easy_setopt (c, CURLOPT_NOBODY, 1L);
    if (req->body) {
        curl_easy_setopt (c, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
    }
    CURLcode cc = curl_easy_perform (c);
    long fresh = 0;
    if (curl_easy_getinfo (c, CURLINFO_NUM_CONNECTS, &fresh) == CURLE_OK)
        self->connections += fresh;
    if (cc == CURLE_OK) {
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &resp->status);
        resp->fail = QS_HTTP_OK;
        if (!resp->body) {
            resp->body = calloc (1, 1);
            if (!resp->body) {
                resp->fail = QS_HTTP_OTHER;
                goto cleanup;
            }
        }
        rc = 0;
    }
    else {
        resp->fail = sink.overflow ? QS_HTTP_TOO_LARGE : s_classify (cc);
        snprintf (resp->detail, sizeof resp->detail, "%s",
                  sink.overflow ? "response body too large" : curl_easy_strerror (cc));
        resp->status = 0;
    }
cleanup:
    /* the header list holds the token: drop it and the handle's reference */
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all (hdrs);
    return rc;
}

int
qs_http_escape (char *dst, size_t size, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (!dst || size == 0)
        return -1;
    for (const unsigned char *p = (const unsigned char *) (src ? src : ""); *p; p++) {
        if (isalnum (*p) || strchr ("-._~", *p)) {
            if (o + 1 >= size)
                goto overflow;
            dst[o++] = (char) *p;
        }
        else {
            if (o + 3 >= size)
                goto overflow;
            dst[o++] = '%';
            dst[o++] = hex[*p >> 4];
            dst[o++] = hex[*p & 15];
        }
    }
    dst[o] = '\0';
    return 0;
overflow:
    dst[o] = '\0';
    return -1;
}
