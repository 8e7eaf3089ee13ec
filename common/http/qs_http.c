/*  qs_http - see qs_http.h */
#include "qs_http.h"
#include "qs_curl.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "qs_buf.h"

struct _qs_http_t {
    CURL *curl;             /* NULL until the first call (libcurl is loaded then) */
    long connections;
};

#define S_MAX_HEADERS (256u << 10)

/*  One call in flight: what the curl callbacks write into. */
typedef struct {
    const qs_curl_t *api;
    CURL *curl;
    const qs_http_req_t *req;
    qs_http_resp_t *resp;
    qs_buf_t *body;
    qs_buf_t *headers;      /* "name\0value\0" per header of the last response head */
} s_call_t;

int
qs_http_load (char *why, size_t size)
{
    return qs_curl (why, size) ? 0 : -1;
}

qs_http_t *
qs_http_new (void)
{
    return calloc (1, sizeof (qs_http_t));
}

void
qs_http_destroy (qs_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    if ((*self_p)->curl)            /* a handle exists only once libcurl is loaded */
        qs_curl (NULL, 0)->easy_cleanup ((*self_p)->curl);
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
    free (resp->headers);
    memset (resp, 0, sizeof *resp);
}

const char *
qs_http_resp_header (const qs_http_resp_t *resp, const char *name)
{
    size_t pos = 0;
    const char *n, *v;
    while (qs_http_resp_header_next (resp, &pos, &n, &v))
        if (strcasecmp (n, name) == 0)
            return v;
    return NULL;
}

int
qs_http_resp_header_next (const qs_http_resp_t *resp, size_t *pos, const char **name,
                          const char **value)
{
    if (!resp || !resp->headers || *pos >= resp->headers_len)
        return 0;
    *name = resp->headers + *pos;
    *value = *name + strlen (*name) + 1;
    *pos = (size_t) (*value + strlen (*value) + 1 - resp->headers);
    return 1;
}

static size_t
s_on_body (char *data, size_t size, size_t nmemb, void *arg)
{
    s_call_t *call = arg;
    size_t n = size * nmemb;
    if (call->req->on_data) {
        long status = 0;
        call->api->easy_getinfo (call->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) {
            if (call->req->on_data (data, n, call->req->arg) == 0)
                return n;
            call->resp->stopped = true;
            return 0;               /* aborts the transfer */
        }
    }
    return qs_buf_append (call->body, data, n) == 0 ? n : 0;
}

/*  Keep "Name: value\r\n" as "name\0value\0"; a status line starts a new head
    (after a 1xx), so what an interim response said is dropped. */
static size_t
s_on_header (char *data, size_t size, size_t nmemb, void *arg)
{
    s_call_t *call = arg;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp (data, "HTTP/", 5) == 0) {
        qs_buf_reset (call->headers);
        call->resp->retry_after = 0;
        return n;
    }
    const char *colon = memchr (data, ':', n);
    if (!colon || colon == data)
        return n;
    const char *v = colon + 1;
    const char *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t nlen = (size_t) (colon - data);
    if (memchr (data, '\0', nlen) || memchr (v, '\0', (size_t) (end - v)))
        return n;                   /* would break the "name\0value\0" list */
    if (qs_buf_append (call->headers, data, nlen) || qs_buf_append (call->headers, "", 1)
        || qs_buf_append (call->headers, v, (size_t) (end - v))
        || qs_buf_append (call->headers, "", 1))
        return 0;
    if (nlen == 11 && strncasecmp (data, "retry-after", 11) == 0) {
        long secs = 0;
        while (v < end && isdigit ((unsigned char) *v) && secs < 86400)
            secs = secs * 10 + (*v++ - '0');
        call->resp->retry_after = (int) secs;
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

/*  Drive the transfer through a multi handle so on_tick runs while waiting. */
static CURLcode
s_perform_ticking (const qs_curl_t *api, CURL *c, const qs_http_req_t *req)
{
    CURLM *multi = api->multi_init ();
    if (!multi || api->multi_add_handle (multi, c) != CURLM_OK) {
        if (multi)
            api->multi_cleanup (multi);
        return CURLE_OUT_OF_MEMORY;
    }
    CURLcode cc = CURLE_FAILED_INIT;
    int running = 1;
    while (running) {
        if (api->multi_perform (multi, &running) != CURLM_OK)
            break;
        if (running) {
            api->multi_poll (multi, NULL, 0, 100, NULL);
            req->on_tick (req->arg);
        }
    }
    CURLMsg *msg;
    int left;
    while ((msg = api->multi_info_read (multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            cc = msg->data.result;
    api->multi_remove_handle (multi, c);
    api->multi_cleanup (multi);
    return cc;
}

/*  The request's header lines; NULL when out of memory. */
static struct curl_slist *
s_headers (const qs_curl_t *api, const qs_http_req_t *req)
{
    struct curl_slist *hdrs = NULL, *next;
    char line[256];
    if (req->bearer && *req->bearer) {
        /* sized to the token: service-account tokens can exceed a fixed line */
        size_t n = strlen (req->bearer) + sizeof "Authorization: Bearer ";
        char *auth = malloc (n);
        if (!auth)
            return NULL;
        snprintf (auth, n, "Authorization: Bearer %s", req->bearer);
        hdrs = api->slist_append (hdrs, auth);
        explicit_bzero (auth, n);
        free (auth);
        if (!hdrs)
            return NULL;
    }
    snprintf (line, sizeof line, "Accept: %s",
              req->accept ? req->accept : "application/json, text/plain;q=0.9");
    if (!(next = api->slist_append (hdrs, line)))
        goto fail;
    hdrs = next;
    if (req->body) {
        snprintf (line, sizeof line, "Content-Type: %s",
                  req->content_type ? req->content_type : "application/json");
        if (!(next = api->slist_append (hdrs, line)))
            goto fail;
        hdrs = next;
    }
    /* no "Expect: 100-continue" round trip */
    if (!(next = api->slist_append (hdrs, "Expect:")))
        goto fail;
    hdrs = next;
    for (size_t i = 0; req->headers && req->headers[i]; i++) {
        if (!(next = api->slist_append (hdrs, req->headers[i])))
            goto fail;
        hdrs = next;
    }
    return hdrs;
fail:
    api->slist_free_all (hdrs);
    return NULL;
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
    char why[sizeof resp->detail];
    const qs_curl_t *api = qs_curl (why, sizeof why);
    if (!api) {
        resp->fail = QS_HTTP_OTHER;
        snprintf (resp->detail, sizeof resp->detail, "%s", why);
        return -1;
    }
    if (!self->curl && !(self->curl = api->easy_init ())) {
        resp->fail = QS_HTTP_OTHER;
        snprintf (resp->detail, sizeof resp->detail, "out of memory");
        return -1;
    }
    CURL *c = self->curl;
    s_call_t call = {
        .api = api, .curl = c, .req = req, .resp = resp,
        .body = qs_buf_new (req->max_body ? req->max_body : 8u << 20),
        .headers = qs_buf_new (S_MAX_HEADERS),
    };
    struct curl_slist *hdrs = s_headers (api, req);
    struct curl_slist *pin = req->resolve ? api->slist_append (NULL, req->resolve) : NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    int rc = -1;
    if (!hdrs || !call.body || !call.headers || (req->resolve && !pin)) {
        resp->fail = QS_HTTP_OTHER;
        snprintf (resp->detail, sizeof resp->detail, "out of memory");
        goto cleanup;
    }
    int64_t connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
                         : (req->timeout_ms < 3000 ? req->timeout_ms : 3000);
    if (connect_ms > req->timeout_ms)
        connect_ms = req->timeout_ms;
    /* reset options but keep the connection cache and TLS session */
    api->easy_reset (c);
    api->easy_setopt (c, CURLOPT_URL, req->url);
    api->easy_setopt (c, CURLOPT_CUSTOMREQUEST, req->method);
    api->easy_setopt (c, CURLOPT_HTTPHEADER, hdrs);
    api->easy_setopt (c, CURLOPT_USERAGENT, "quickspin-ai/" QS_VERSION);
    api->easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) req->timeout_ms);
    api->easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) connect_ms);
    api->easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
    api->easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt (c, CURLOPT_WRITEFUNCTION, s_on_body);
    api->easy_setopt (c, CURLOPT_WRITEDATA, &call);
    api->easy_setopt (c, CURLOPT_HEADERFUNCTION, s_on_header);
    api->easy_setopt (c, CURLOPT_HEADERDATA, &call);
    api->easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
    api->easy_setopt (c, CURLOPT_ACCEPT_ENCODING, "");
    api->easy_setopt (c, CURLOPT_TCP_KEEPALIVE, 1L);
    if (req->ca_file && *req->ca_file)
        api->easy_setopt (c, CURLOPT_CAINFO, req->ca_file);
    if (pin)
        api->easy_setopt (c, CURLOPT_RESOLVE, pin);
    if (strcmp (req->method, "HEAD") == 0)
        api->easy_setopt (c, CURLOPT_NOBODY, 1L);
    if (req->body) {
        api->easy_setopt (c, CURLOPT_POSTFIELDS, req->body);
        api->easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
    }
    CURLcode cc = req->on_tick ? s_perform_ticking (api, c, req) : api->easy_perform (c);
    long fresh = 0, status = 0;
    if (api->easy_getinfo (c, CURLINFO_NUM_CONNECTS, &fresh) == CURLE_OK)
        self->connections += fresh;
    api->easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
    size_t headers_len = qs_buf_len (call.headers);
    resp->headers = qs_buf_steal (call.headers);
    resp->headers_len = resp->headers ? headers_len : 0;
    if (cc == CURLE_OK || (resp->stopped && cc == CURLE_WRITE_ERROR)) {
        resp->status = status;
        resp->len = qs_buf_len (call.body);
        resp->body = qs_buf_steal (call.body);
        if (!resp->body || !resp->headers) {
            resp->fail = QS_HTTP_OTHER;
            snprintf (resp->detail, sizeof resp->detail, "out of memory");
            goto cleanup;
        }
        rc = 0;
    }
    else {
        bool overflow = qs_buf_error (call.body) || qs_buf_error (call.headers);
        resp->fail = overflow ? QS_HTTP_TOO_LARGE : s_classify (cc);
        resp->broken_status = status;
        snprintf (resp->detail, sizeof resp->detail, "%s",
                  overflow ? "response too large" : errbuf[0] ? errbuf : api->easy_strerror (cc));
    }
cleanup:
    if (rc != 0) {
        free (resp->body);
        resp->body = NULL;
        resp->len = 0;
        resp->status = 0;
    }
    /* the header list holds the token: drop it and the handle's reference */
    api->easy_setopt (c, CURLOPT_HTTPHEADER, NULL);
    api->easy_setopt (c, CURLOPT_ERRORBUFFER, NULL);
    api->slist_free_all (hdrs);
    if (pin) {
        api->easy_setopt (c, CURLOPT_RESOLVE, NULL);
        api->slist_free_all (pin);
    }
    qs_buf_destroy (&call.body);
    qs_buf_destroy (&call.headers);
    return rc;
}

int
qs_http_fail_err (const qs_http_resp_t *resp, const char *peer, qs_err_t *err)
{
    switch (resp ? resp->fail : QS_HTTP_OTHER) {
        case QS_HTTP_TIMEOUT:
            return qs_err_set (err, 504, "deadline_exceeded", "%s did not answer in time", peer);
        case QS_HTTP_TOO_LARGE:
            return qs_err_set (err, 502, "bad_gateway", "%s sent a response too large to handle",
                               peer);
        default:
            return qs_err_set (err, 503, "service_unavailable", "%s did not answer (%s)", peer,
                               resp && resp->detail[0] ? resp->detail : "transport failure");
    }
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
