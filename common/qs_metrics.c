/*  qs_metrics - see qs_metrics.h. One mutex guards the registry: updates are
    a lookup in a short list plus an add, far below the cost of the work they
    measure. */
#include "qs_metrics.h"
#include "qs_buf.h"
#include "qs_util.h"
#include <civetweb.h>
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QS_MAX_BUCKETS 20

typedef struct _series_t {
    char *labels;
    double value;                        /* counter/gauge; histogram sum */
    double count;                        /* histogram count */
    double buckets[QS_MAX_BUCKETS];      /* cumulative at render */
    struct _series_t *next;
} series_t;

typedef struct _family_t {
    char *name;
    char *help;
    qs_metric_kind_t kind;
    double bounds[QS_MAX_BUCKETS];
    size_t nbounds;
    qs_gauge_fn *fn;
    void *fn_arg;
    series_t *series;
    struct _family_t *next;
} family_t;

struct _qs_metrics_t {
    pthread_mutex_t lock;
    family_t *families;
    family_t *tail;
    int64_t started_ms;
};

static const double s_default_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                           0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

qs_metrics_t *
qs_metrics_new (void)
{
    qs_metrics_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->lock, NULL);
    self->started_ms = qs_now_ms ();
    return self;
}

void
qs_metrics_destroy (qs_metrics_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_metrics_t *self = *self_p;
    family_t *f = self->families;
    while (f) {
        family_t *fnext = f->next;
        series_t *s = f->series;
        while (s) {
            series_t *snext = s->next;
            free (s->labels);
            free (s);
            s = snext;
        }
        free (f->name);
        free (f->help);
        free (f);
        f = fnext;
    }
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

static family_t *
s_find (qs_metrics_t *self, const char *name)
{
    for (family_t *f = self->families; f; f = f->next)
        if (!strcmp (f->name, name))
            return f;
    return NULL;
}

static family_t *
s_add_family (qs_metrics_t *self, const char *name, qs_metric_kind_t kind, const char *help)
{
    family_t *f = calloc (1, sizeof *f);
    if (!f)
        return NULL;
    f->name = strdup (name);
    f->help = strdup (help ? help : name);
    if (!f->name || !f->help) {
        free (f->name);
        free (f->help);
        free (f);
        return NULL;
    }
    f->kind = kind;
    if (self->tail)
        self->tail->next = f;
    else
        self->families = f;
    self->tail = f;
    return f;
}

int
qs_metrics_declare (qs_metrics_t *self, const char *name, qs_metric_kind_t kind,
                    const char *help, const double *buckets, size_t nbuckets)
{
    if (!self || !name)
        return -1;
    int rc = 0;
    pthread_mutex_lock (&self->lock);
    family_t *f = s_find (self, name);
    if (f) {
        rc = f->kind == kind ? 0 : -1;
        goto cleanup;
    }
    f = s_add_family (self, name, kind, help);
    if (!f) {
        rc = -1;
        goto cleanup;
    }
    if (kind == QS_METRIC_HISTOGRAM) {
        if (!buckets) {
            buckets = s_default_buckets;
            nbuckets = sizeof s_default_buckets / sizeof s_default_buckets[0];
        }
        if (nbuckets > QS_MAX_BUCKETS)
            nbuckets = QS_MAX_BUCKETS;
        memcpy (f->bounds, buckets, nbuckets * sizeof *buckets);
        f->nbounds = nbuckets;
    }
cleanup:
    pthread_mutex_unlock (&self->lock);
    return rc;
}

int
qs_metrics_gauge_fn (qs_metrics_t *self, const char *name, const char *help,
                     qs_gauge_fn *fn, void *arg)
{
    if (!self || !name || !fn)
        return -1;
    pthread_mutex_lock (&self->lock);
    family_t *f = s_find (self, name);
    if (!f)
        f = s_add_family (self, name, QS_METRIC_GAUGE, help);
    if (f) {
        f->fn = fn;
        f->fn_arg = arg;
    }
    pthread_mutex_unlock (&self->lock);
    return f ? 0 : -1;
}

/*  Series for labels, created on first use. Lock held. */
static series_t *
s_series (family_t *f, const char *labels)
{
    if (!labels)
        labels = "";
    series_t *last = NULL;
    for (series_t *s = f->series; s; s = s->next) {
        if (!strcmp (s->labels, labels))
            return s;
        last = s;
    }
    series_t *s = calloc (1, sizeof *s);
    if (!s || !(s->labels = strdup (labels))) {
        free (s);
        return NULL;
    }
    if (last)
        last->next = s;
    else
        f->series = s;
    return s;
}

static void
s_update (qs_metrics_t *self, const char *name, const char *labels, double v, int op)
{
    if (!self || !name)
        return;
    pthread_mutex_lock (&self->lock);
    family_t *f = s_find (self, name);
    series_t *s = f && !f->fn ? s_series (f, labels) : NULL;
    if (s) {
        if (op == 0)
            s->value += v;
        else if (op == 1)
            s->value = v;
        else if (f->kind == QS_METRIC_HISTOGRAM) {
            s->value += v;
            s->count += 1;
            for (size_t i = 0; i < f->nbounds; i++)
                if (v <= f->bounds[i]) {
                    s->buckets[i] += 1;
                    break;
                }
        }
    }
    pthread_mutex_unlock (&self->lock);
}

void
qs_metrics_inc (qs_metrics_t *self, const char *name, const char *labels, double by)
{
    s_update (self, name, labels, by, 0);
}

void
qs_metrics_set (qs_metrics_t *self, const char *name, const char *labels, double value)
{
    s_update (self, name, labels, value, 1);
}

void
qs_metrics_observe (qs_metrics_t *self, const char *name, const char *labels, double value)
{
    s_update (self, name, labels, value, 2);
}

/*  Far above any real exposition: past it the scrape fails rather than being cut. */
#define S_MAX_EXPOSITION (64u << 20)

static const char *s_kind_names[] = {"counter", "gauge", "histogram"};

/*  Label set text with an extra label appended ("le"), with braces. */
static void
s_labels (qs_buf_t *b, const char *labels, const char *extra)
{
    int has = labels && *labels;
    if (!has && !extra)
        return;
    qs_buf_printf (b, "{%s%s%s}", has ? labels : "", has && extra ? "," : "", extra ? extra : "");
}

static void
s_render_into (qs_metrics_t *self, qs_buf_t *b)
{
    pthread_mutex_lock (&self->lock);
    for (family_t *f = self->families; f; f = f->next) {
        qs_buf_printf (b, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name,
                  s_kind_names[f->kind]);
        if (f->fn) {
            qs_buf_printf (b, "%s %.17g\n", f->name, f->fn (f->fn_arg));
            continue;
        }
        for (series_t *s = f->series; s; s = s->next) {
            if (f->kind != QS_METRIC_HISTOGRAM) {
                qs_buf_printf (b, "%s", f->name);
                s_labels (b, s->labels, NULL);
                qs_buf_printf (b, " %.17g\n", s->value);
                continue;
            }
            double cumulative = 0;
            char le[48];
            for (size_t i = 0; i < f->nbounds; i++) {
                cumulative += s->buckets[i];
                snprintf (le, sizeof le, "le=\"%g\"", f->bounds[i]);
                qs_buf_printf (b, "%s_bucket", f->name);
                s_labels (b, s->labels, le);
                qs_buf_printf (b, " %.17g\n", cumulative);
            }
            qs_buf_printf (b, "%s_bucket", f->name);
            s_labels (b, s->labels, "le=\"+Inf\"");
            qs_buf_printf (b, " %.17g\n%s_sum", s->count, f->name);
            s_labels (b, s->labels, NULL);
            qs_buf_printf (b, " %.17g\n%s_count", s->value, f->name);
            s_labels (b, s->labels, NULL);
            qs_buf_printf (b, " %.17g\n", s->count);
        }
    }
    pthread_mutex_unlock (&self->lock);
}

char *
qs_metrics_render (qs_metrics_t *self)
{
    qs_buf_t *b = qs_buf_new (S_MAX_EXPOSITION);
    if (!b)
        return NULL;
    if (self)
        s_render_into (self, b);
    /* NULL when an append failed: the buffer remembers it */
    char *text = qs_buf_steal (b);
    qs_buf_destroy (&b);
    return text;
}

static long
s_rss_bytes (void)
{
    FILE *f = fopen ("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf (f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose (f);
    }
    return rss * sysconf (_SC_PAGESIZE);
}

static int
s_open_fds (void)
{
    DIR *d = opendir ("/proc/self/fd");
    int n = 0;
    if (!d)
        return 0;
    while (readdir (d))
        n++;
    closedir (d);
    return n > 3 ? n - 3 : 0;      /* ".", ".." and the directory itself */
}

char *
qs_metrics_render_with_process (qs_metrics_t *self)
{
    qs_buf_t *b = qs_buf_new (S_MAX_EXPOSITION);
    if (!b)
        return NULL;
    if (self)
        s_render_into (self, b);
    qs_buf_printf (b,
              "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
              "# TYPE process_resident_memory_bytes gauge\n"
              "process_resident_memory_bytes %ld\n"
              "# HELP process_open_fds Number of open file descriptors.\n"
              "# TYPE process_open_fds gauge\nprocess_open_fds %d\n"
              "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
              "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.3f\n",
              s_rss_bytes (), s_open_fds (), self ? self->started_ms / 1000.0 : 0.0);
    /* NULL when an append failed: the buffer remembers it */
    char *text = qs_buf_steal (b);
    qs_buf_destroy (&b);
    return text;
}

char *
qs_metrics_label_escape (char *dst, size_t size, const char *value)
{
    size_t o = 0;
    for (const char *p = value ? value : ""; *p && o + 2 < size; p++) {
        if (*p == '\\' || *p == '"') {
            dst[o++] = '\\';
            dst[o++] = *p;
        }
        else if (*p == '\n') {
            dst[o++] = '\\';
            dst[o++] = 'n';
        }
        else
            dst[o++] = *p;
    }
    if (size)
        dst[o < size ? o : size - 1] = '\0';
    return dst;
}

/* ---- the metrics listener ---- */

struct _qs_metrics_server_t {
    struct mg_context *ctx;
    qs_metrics_t *metrics;
};

static int
s_handle (struct mg_connection *conn, void *arg)
{
    qs_metrics_server_t *srv = arg;
    const struct mg_request_info *ri = mg_get_request_info (conn);
    if (!strcmp (ri->local_uri, "/healthz")) {
        mg_printf (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                         "Content-Length: 3\r\nConnection: close\r\n\r\nok\n");
        return 200;
    }
    if (strcmp (ri->local_uri, "/metrics") != 0) {
        mg_printf (conn, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return 404;
    }
    char *text = qs_metrics_render_with_process (srv->metrics);
    size_t len = text ? strlen (text) : 0;
    mg_printf (conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n", len);
    if (text)
        mg_write (conn, text, len);
    free (text);
    return 200;
}

qs_metrics_server_t *
qs_metrics_server_start (qs_metrics_t *self, const char *addr)
{
    if (!addr || !*addr)
        return NULL;
    qs_metrics_server_t *srv = calloc (1, sizeof *srv);
    if (!srv)
        return NULL;
    srv->metrics = self;
    const char *options[] = {"listening_ports", addr, "num_threads", "2", NULL};
    struct mg_callbacks cb;
    memset (&cb, 0, sizeof cb);
    srv->ctx = mg_start (&cb, NULL, options);
    if (!srv->ctx) {
        free (srv);
        return NULL;
    }
    mg_set_request_handler (srv->ctx, "/", s_handle, srv);
    return srv;
}

void
qs_metrics_server_stop (qs_metrics_server_t **server_p)
{
    if (!server_p || !*server_p)
        return;
    mg_stop ((*server_p)->ctx);
    free (*server_p);
    *server_p = NULL;
}
