/*  qs_fake_http - see qs_fake_http.h */
#include "qs_fake_http.h"
#include <civetweb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define S_ROUTES 64
#define S_SEEN   128

typedef struct {
    char method[8];
    char prefix[512];
    int status;
    char *body;
    int times;          /* 0 unlimited; else uses left */
    int delay_ms;
    int retry_after;
    int used;
} s_route_t;

struct _qs_fake_http_t {
    struct mg_context *ctx;
    char url[64];
    pthread_mutex_t lock;
    s_route_t routes[S_ROUTES];
    int nroutes;
    qs_fake_seen_t seen[S_SEEN];
    int nseen;
};

static void
s_copy (char *dst, size_t size, const char *src)
{
    snprintf (dst, size, "%s", src ? src : "");
}

static int
s_handle (struct mg_connection *conn, void *arg)
{
    qs_fake_http_t *self = arg;
    const struct mg_request_info *ri = mg_get_request_info (conn);
    char uri[512], body[1024];
    int blen = 0, r;
    snprintf (uri, sizeof uri, "%s%s%s", ri->local_uri ? ri->local_uri : "",
              ri->query_string ? "?" : "", ri->query_string ? ri->query_string : "");
    while (blen < (int) sizeof body - 1
           && (r = mg_read (conn, body + blen, sizeof body - 1 - (size_t) blen)) > 0)
        blen += r;
    body[blen] = '\0';

    int status = 404, delay = 0, retry_after = 0;
    char *text = NULL;
    pthread_mutex_lock (&self->lock);
    if (self->nseen < S_SEEN) {
        qs_fake_seen_t *s = &self->seen[self->nseen++];
        s_copy (s->method, sizeof s->method, ri->request_method);
        s_copy (s->uri, sizeof s->uri, uri);
        s_copy (s->authorization, sizeof s->authorization, mg_get_header (conn, "Authorization"));
        s_copy (s->idempotency_key, sizeof s->idempotency_key, mg_get_header (conn, "Idempotency-Key"));
        s_copy (s->content_type, sizeof s->content_type, mg_get_header (conn, "Content-Type"));
        s_copy (s->body, sizeof s->body, body);
    }
    for (int i = 0; i < self->nroutes; i++) {
        s_route_t *rt = &self->routes[i];
        if (strcasecmp (rt->method, ri->request_method) != 0
            || strncmp (uri, rt->prefix, strlen (rt->prefix)) != 0
            || (rt->times > 0 && rt->used >= rt->times))
            continue;
        rt->used++;
        status = rt->status;
        delay = rt->delay_ms;
        retry_after = rt->retry_after;
        text = strdup (rt->body ? rt->body : "");
        break;
    }
    pthread_mutex_unlock (&self->lock);
    if (!text)
        text = strdup ("{\"error\":{\"code\":\"not_found\",\"message\":\"no fake route\"}}");
    if (delay > 0)
        usleep ((useconds_t) delay * 1000u);
    size_t n = text ? strlen (text) : 0;
    char ra[64] = "";
    if (retry_after > 0)
        snprintf (ra, sizeof ra, "Retry-After: %d\r\n", retry_after);
    mg_printf (conn, "HTTP/1.1 %d Fake\r\nContent-Type: application/json\r\n%s"
                     "Content-Length: %zu\r\n\r\n", status, ra, n);
    if (n)
        mg_write (conn, text, n);
    free (text);
    return status;
}

qs_fake_http_t *
qs_fake_http_start (void)
{
    qs_fake_http_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->lock, NULL);
    const char *opts[] = {"listening_ports", "127.0.0.1:0", "num_threads", "4",
                          "enable_keep_alive", "yes", NULL};
    struct mg_callbacks cb;
    memset (&cb, 0, sizeof cb);
    self->ctx = mg_start (&cb, NULL, opts);
    if (!self->ctx) {
        free (self);
        return NULL;
    }
    struct mg_server_port ports[2];
    if (mg_get_server_ports (self->ctx, 2, ports) < 1) {
        mg_stop (self->ctx);
        free (self);
        return NULL;
    }
    snprintf (self->url, sizeof self->url, "http://127.0.0.1:%d", ports[0].port);
    mg_set_request_handler (self->ctx, "/", s_handle, self);
    return self;
}

void
qs_fake_http_stop (qs_fake_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_fake_http_t *self = *self_p;
    mg_stop (self->ctx);
    for (int i = 0; i < self->nroutes; i++)
        free (self->routes[i].body);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

const char *
qs_fake_http_url (qs_fake_http_t *self)
{
    return self->url;
}

void
qs_fake_http_route (qs_fake_http_t *self, const char *method, const char *uri_prefix,
                    int status, const char *body, int times, int delay_ms, int retry_after)
{
    pthread_mutex_lock (&self->lock);
    if (self->nroutes < S_ROUTES) {
        s_route_t *rt = &self->routes[self->nroutes++];
        s_copy (rt->method, sizeof rt->method, method);
        s_copy (rt->prefix, sizeof rt->prefix, uri_prefix);
        rt->status = status;
        rt->body = body ? strdup (body) : NULL;
        rt->times = times;
        rt->delay_ms = delay_ms;
        rt->retry_after = retry_after;
    }
    pthread_mutex_unlock (&self->lock);
}

int
qs_fake_http_count (qs_fake_http_t *self)
{
    pthread_mutex_lock (&self->lock);
    int n = self->nseen;
    pthread_mutex_unlock (&self->lock);
    return n;
}

const qs_fake_seen_t *
qs_fake_http_seen (qs_fake_http_t *self, int i)
{
    return i >= 0 && i < self->nseen ? &self->seen[i] : NULL;
}
