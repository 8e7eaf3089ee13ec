/*  qs_sbx_faults - see qs_sbx_faults.h */
#include "qs_sbx_faults.h"
#include "qs_json.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_RULES 64

struct _qs_sbx_faults_t {
    pthread_mutex_t mutex;
    qs_sbx_fault_t rules[S_MAX_RULES];
    int nrules;
};

qs_sbx_faults_t *
qs_sbx_faults_new (void)
{
    qs_sbx_faults_t *self = calloc (1, sizeof *self);
    if (self)
        pthread_mutex_init (&self->mutex, NULL);
    return self;
}

void
qs_sbx_faults_destroy (qs_sbx_faults_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    pthread_mutex_destroy (&(*self_p)->mutex);
    free (*self_p);
    *self_p = NULL;
}

int
qs_sbx_faults_add_json (qs_sbx_faults_t *self, const char *text, size_t len, qs_err_t *err)
{
    const char *why = NULL;
    int rc = -1;
    json_object *o = text && len ? qs_json_parse (text, len, &why) : NULL;
    qs_sbx_fault_t f;
    memset (&f, 0, sizeof f);
    if (!o || !json_object_is_type (o, json_type_object)) {
        qs_err_set (err, 400, "bad_request", "the body must be a JSON object");
        goto cleanup;
    }
    const char *prefix = qs_json_str (o, "path_prefix", NULL);
    if (!prefix || prefix[0] != '/' || qs_strlcpy (f.path_prefix, prefix, sizeof f.path_prefix) >= sizeof f.path_prefix) {
        qs_err_set (err, 400, "bad_request", "path_prefix must be a path starting with '/'");
        goto cleanup;
    }
    qs_strlcpy (f.method, qs_json_str (o, "method", ""), sizeof f.method);
    f.status = (int) qs_json_int (o, "status", 0);
    f.delay_ms = (int) qs_json_int (o, "delay_ms", 0);
    f.count = (int) qs_json_int (o, "count", 1);
    f.truncate = qs_json_bool (o, "truncate", false);
    const char *body = qs_json_str (o, "body", NULL);
    if ((f.status != 0 && (f.status < 100 || f.status > 599)) || f.delay_ms < 0 || f.delay_ms > 60000
        || f.count == 0 || f.count < -1) {
        qs_err_set (err, 400, "bad_request",
                    "status must be 100..599, delay_ms 0..60000, count >= 1 or -1");
        goto cleanup;
    }
    if (body) {
        if (qs_strlcpy (f.body, body, sizeof f.body) >= sizeof f.body) {
            qs_err_set (err, 400, "bad_request", "body is limited to %zu bytes", sizeof f.body - 1);
            goto cleanup;
        }
        f.has_body = true;
    }
    if (!f.status && !f.delay_ms && !f.has_body && !f.truncate) {
        qs_err_set (err, 400, "bad_request", "a fault needs status, delay_ms, body or truncate");
        goto cleanup;
    }
    pthread_mutex_lock (&self->mutex);
    if (self->nrules < S_MAX_RULES) {
        self->rules[self->nrules++] = f;
        rc = 0;
    }
    pthread_mutex_unlock (&self->mutex);
    if (rc != 0)
        qs_err_set (err, 409, "conflict", "too many fault rules (%d); reset first", S_MAX_RULES);
cleanup:
    json_object_put (o);
    return rc;
}

void
qs_sbx_faults_clear (qs_sbx_faults_t *self)
{
    pthread_mutex_lock (&self->mutex);
    self->nrules = 0;
    pthread_mutex_unlock (&self->mutex);
}

int
qs_sbx_faults_take (qs_sbx_faults_t *self, const char *method, const char *path, qs_sbx_fault_t *out)
{
    int found = 0;
    pthread_mutex_lock (&self->mutex);
    for (int i = 0; i < self->nrules && !found; i++) {
        qs_sbx_fault_t *f = &self->rules[i];
        if (strncmp (path, f->path_prefix, strlen (f->path_prefix)) != 0
            || (f->method[0] && strcmp (f->method, method) != 0))
            continue;
        *out = *f;
        found = 1;
        if (f->count > 0 && --f->count == 0) {
            memmove (&self->rules[i], &self->rules[i + 1],
                     (size_t) (self->nrules - i - 1) * sizeof self->rules[0]);
            self->nrules--;
        }
    }
    pthread_mutex_unlock (&self->mutex);
    return found;
}

json_object *
qs_sbx_faults_json (qs_sbx_faults_t *self)
{
    json_object *root = json_object_new_object (), *arr = json_object_new_array ();
    pthread_mutex_lock (&self->mutex);
    for (int i = 0; i < self->nrules; i++) {
        const qs_sbx_fault_t *f = &self->rules[i];
        json_object *o = json_object_new_object ();
        json_object_object_add (o, "path_prefix", json_object_new_string (f->path_prefix));
        if (f->method[0])
            json_object_object_add (o, "method", json_object_new_string (f->method));
        json_object_object_add (o, "status", json_object_new_int (f->status));
        json_object_object_add (o, "delay_ms", json_object_new_int (f->delay_ms));
        json_object_object_add (o, "count", json_object_new_int (f->count));
        json_object_object_add (o, "truncate", json_object_new_boolean (f->truncate));
        if (f->has_body)
            json_object_object_add (o, "body", json_object_new_string (f->body));
        json_object_array_add (arr, o);
    }
    pthread_mutex_unlock (&self->mutex);
    json_object_object_add (root, "faults", arr);
    return root;
}
