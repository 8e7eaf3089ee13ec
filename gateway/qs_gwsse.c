/*  qs_gwsse - POST /api/v1/chat/stream as server-sent events. The worker's
    partial replies (intent, step, token) become SSE events; the final reply
    becomes `done`, a failure `error` (or a plain JSON error response when it
    fails before anything was streamed, e.g. no worker). A helper thread writes a `:` comment
    every keep-alive interval while the bus call waits; writes to the socket
    are serialised by a mutex. When the client is gone, the next partial
    returns -1, which cancels the bus request (the worker gets a cancel). */
#include "qs_gwint.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    qs_gwctx_t *ctx;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool finished;                  /* the call returned: the pinger stops */
    bool gone;                      /* a write failed: the client left */
    bool head_sent;                 /* the 200 and its headers are out */
    int keepalive_ms;
} s_stream_t;

//  The response head goes out with the first event or keep-alive, so a call
//  that fails at once (no worker, overloaded) still gets its real status.
//  Caller holds the lock.
static int
s_write_head (s_stream_t *st)
{
    if (st->head_sent)
        return 0;
    char head[512];
    int n = snprintf (head, sizeof head,
                      "HTTP/1.1 200 OK\r\n"
                      "X-Request-Id: %s\r\n"
                      "Content-Type: text/event-stream\r\n"
                      "Cache-Control: no-cache\r\n"
                      "X-Accel-Buffering: no\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n", st->ctx->request_id);
    st->head_sent = true;
    st->ctx->status = 200;
    if (mg_write (st->ctx->conn, head, (size_t) n) <= 0) {
        st->gone = true;
        return -1;
    }
    return 0;
}

//  Write one chunk of the chunked body. Caller holds the lock.
static int
s_write_chunk (s_stream_t *st, const char *data, size_t len)
{
    if (st->gone || s_write_head (st) != 0)
        return -1;
    char head[32];
    int n = snprintf (head, sizeof head, "%zx\r\n", len);
    if (mg_write (st->ctx->conn, head, (size_t) n) <= 0
        || mg_write (st->ctx->conn, data, len) <= 0
        || mg_write (st->ctx->conn, "\r\n", 2) <= 0) {
        st->gone = true;
        return -1;
    }
    return 0;
}

static int
s_send_frame (s_stream_t *st, const char *event, json_object *data)
{
    char *frame = qs_gwreq_sse_frame (event, data);
    if (!frame)
        return -1;
    pthread_mutex_lock (&st->lock);
    int rc = s_write_chunk (st, frame, strlen (frame));
    pthread_mutex_unlock (&st->lock);
    free (frame);
    return rc;
}

static void *
s_pinger (void *arg)
{
    s_stream_t *st = arg;
    pthread_mutex_lock (&st->lock);
    while (!st->finished) {
        struct timespec ts;
        clock_gettime (CLOCK_REALTIME, &ts);
        ts.tv_sec += st->keepalive_ms / 1000;
        ts.tv_nsec += (long) (st->keepalive_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        int rc = pthread_cond_timedwait (&st->cond, &st->lock, &ts);
        if (rc == ETIMEDOUT && !st->finished && !st->gone) {
            static const char ping[] = ": keep-alive\n\n";
            s_write_chunk (st, ping, sizeof ping - 1);
        }
    }
    pthread_mutex_unlock (&st->lock);
    return NULL;
}

static int
s_on_partial (const char *event, json_object *data, void *arg)
{
    s_stream_t *st = arg;
    if (!qs_gwreq_sse_event_allowed (event))
        return st->gone ? -1 : 0;      /* the contract allows no other names */
    if (s_send_frame (st, event, data) != 0) {
        qs_info (st->ctx->request_id, "stream client went away: cancelling");
        return -1;
    }
    return 0;
}

void
qs_gw_stream (qs_gwctx_t *ctx, const qs_call_t *call)
{
    qs_err_t err;
    qs_err_clear (&err);
    qs_client_t *client = qs_gw_client (ctx);
    if (!client) {
        qs_err_set (&err, 503, "service_unavailable", "the message bus is not reachable");
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    s_stream_t st = { .ctx = ctx, .keepalive_ms = ctx->gw->sse_keepalive_ms };
    pthread_mutex_init (&st.lock, NULL);
    pthread_cond_init (&st.cond, NULL);
    pthread_t pinger;
    bool pinging = pthread_create (&pinger, NULL, s_pinger, &st) == 0;
    if (ctx->gw->metrics)
        qs_metrics_inc (ctx->gw->metrics, "qs_http_sse_streams_active", NULL, 1);

    json_object *reply = NULL;
    int status = qs_client_call (client, call, &reply, &err, s_on_partial, &st);

    pthread_mutex_lock (&st.lock);
    st.finished = true;
    pthread_cond_signal (&st.cond);
    pthread_mutex_unlock (&st.lock);
    if (pinging)
        pthread_join (pinger, NULL);

    pthread_mutex_lock (&st.lock);
    bool streaming = st.head_sent;
    pthread_mutex_unlock (&st.lock);
    if (status >= 0)
        s_send_frame (&st, "done", reply);
    else
    if (!streaming)
        qs_gw_send_error (ctx, &err, NULL);    /* nothing streamed yet: a plain error */
    else {
        char *body = qs_gwreq_error_body (&err, ctx->request_id);
        json_object *obj = body ? qs_json_parse (body, strlen (body), NULL) : NULL;
        s_send_frame (&st, "error", obj);
        json_object_put (obj);
        free (body);
        qs_strlcpy (ctx->error_code_buf, err.code, sizeof ctx->error_code_buf);
        ctx->error_code = ctx->error_code_buf;
        qs_info (ctx->request_id, "stream ended with error code=%s", err.code);
    }
    pthread_mutex_lock (&st.lock);
    if (st.head_sent && !st.gone)
        mg_write (ctx->conn, "0\r\n\r\n", 5);
    else
    if (st.gone)
        ctx->status = 499;          /* client closed request, for the metrics */
    pthread_mutex_unlock (&st.lock);
    if (ctx->gw->metrics)
        qs_metrics_inc (ctx->gw->metrics, "qs_http_sse_streams_active", NULL, -1);
    json_object_put (reply);
    pthread_cond_destroy (&st.cond);
    pthread_mutex_destroy (&st.lock);
}
