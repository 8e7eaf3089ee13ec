/*  qs_cli_http - see qs_cli_http.h */
#include "qs_cli_http.h"
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static size_t
s_collect (char *data, size_t size, size_t nmemb, void *arg)
{
    qs_cli_resp_t *resp = arg;
    size_t n = size * nmemb;
    char *grown = realloc (resp->body, resp->len + n + 1);
    if (!grown)
        return 0;
    memcpy (grown + resp->len, data, n);
    resp->len += n;
    grown[resp->len] = '\0';
    resp->body = grown;
    return n;
}

int
qs_cli_http (const char *method, const char *base_url, const char *path, const char *token,
             json_object *body, long timeout_ms, qs_cli_resp_t *resp, qs_err_t *err)
{
    int rc = -1;
    memset (resp, 0, sizeof *resp);
    CURL *curl = curl_easy_init ();
    struct curl_slist *headers = NULL;
    char *url = NULL, *auth = NULL;
    if (!curl || asprintf (&url, "%s%s", base_url, path) < 0) {
        url = NULL;
        qs_err_set (err, 500, "internal_error", "out of memory");
        goto cleanup;
    }
    if (token && *token) {
        if (asprintf (&auth, "Authorization: Bearer %s", token) < 0) {
            auth = NULL;
            goto cleanup;
        }
        headers = curl_slist_append (headers, auth);
    }
    headers = curl_slist_append (headers, "Accept: application/json");
    if (body) {
        headers = curl_slist_append (headers, "Content-Type: application/json");
        curl_easy_setopt (curl, CURLOPT_COPYPOSTFIELDS, json_object_to_json_string (body));
    }
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_collect);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode res = curl_easy_perform (curl);
    if (res != CURLE_OK) {
        qs_err_set (err, 503, "unreachable", "cannot reach %s: %s", base_url, curl_easy_strerror (res));
        goto cleanup;
    }
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &resp->status);
    rc = 0;
cleanup:
    if (rc != 0)
        qs_cli_resp_free (resp);
    curl_slist_free_all (headers);
    free (auth);
    free (url);
    if (curl)
        curl_easy_cleanup (curl);
    return rc;
}

void
qs_cli_resp_free (qs_cli_resp_t *resp)
{
    if (!resp)
        return;
    free (resp->body);
    resp->body = NULL;
    resp->len = 0;
}

typedef struct {
    CURL *curl;
    qs_cli_resp_t *resp;
    qs_cli_chunk_fn *on_chunk;
    void *arg;
    int stopped;
} s_stream_t;

static size_t
s_stream_write (char *data, size_t size, size_t nmemb, void *arg)
{
    s_stream_t *st = arg;
    long status = 0;
    curl_easy_getinfo (st->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
        return s_collect (data, size, nmemb, st->resp);
    if (st->on_chunk (data, size * nmemb, st->arg) != 0) {
        st->stopped = 1;
        return 0;
    }
    return size * nmemb;
}

int
qs_cli_http_stream (const char *method, const char *base_url, const char *path,
                    const char *token, json_object *body, long timeout_ms,
                    qs_cli_chunk_fn *on_chunk, qs_cli_tick_fn *on_tick, void *arg,
                    qs_cli_resp_t *resp, qs_err_t *err)
{
    int rc = -1;
    memset (resp, 0, sizeof *resp);
    CURL *curl = curl_easy_init ();
    CURLM *multi = curl_multi_init ();
    struct curl_slist *headers = NULL;
    char *url = NULL, *auth = NULL;
    s_stream_t st = {.curl = curl, .resp = resp, .on_chunk = on_chunk, .arg = arg};
    if (!curl || !multi || asprintf (&url, "%s%s", base_url, path) < 0) {
        url = NULL;
        qs_err_set (err, 500, "internal_error", "out of memory");
        goto cleanup;
    }
    if (token && *token) {
        if (asprintf (&auth, "Authorization: Bearer %s", token) < 0) {
            auth = NULL;
            qs_err_set (err, 500, "internal_error", "out of memory");
            goto cleanup;
        }
        headers = curl_slist_append (headers, auth);
    }
    headers = curl_slist_append (headers, "Accept: text/event-stream");
    if (body) {
        headers = curl_slist_append (headers, "Content-Type: application/json");
        curl_easy_setopt (curl, CURLOPT_COPYPOSTFIELDS, json_object_to_json_string (body));
    }
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_stream_write);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &st);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle (multi, curl);
    int running = 1;
    while (running) {
        if (curl_multi_perform (multi, &running) != CURLM_OK)
            break;
        if (running) {
            curl_multi_poll (multi, NULL, 0, 100, NULL);
            if (on_tick)
                on_tick (arg);
        }
    }
    CURLcode res = CURLE_FAILED_INIT;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read (multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            res = msg->data.result;
    curl_multi_remove_handle (multi, curl);
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &resp->status);
    if (res != CURLE_OK && !(st.stopped && res == CURLE_WRITE_ERROR)) {
        qs_err_set (err, 503, "unreachable", "%s %s: %s", resp->status ? "connection to" : "cannot reach",
                    base_url, curl_easy_strerror (res));
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc != 0)
        qs_cli_resp_free (resp);
    curl_slist_free_all (headers);
    free (auth);
    free (url);
    if (multi)
        curl_multi_cleanup (multi);
    if (curl)
        curl_easy_cleanup (curl);
    return rc;
}
