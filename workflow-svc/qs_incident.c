/*  qs_incident - see qs_incident.h */
#include "qs_incident.h"
#include "qs_alerts.h"
#include "qs_flows.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_THREADS_MAX 8
#define S_QUEUE_MAX 256
#define S_LEASE_MS 60000        /* a diagnosis that takes longer may be started again */
#define S_DIAGNOSE_MS 30000     /* the diagnosis' own deadline */
#define S_POD_CANDIDATES 8      /* services of one namespace asked about a pod */
#define S_MATCH_MS 3000         /* matching alerts to services before the answer, at most */

typedef struct _job_t {
    struct _job_t *next;
    qs_auth_t auth;             /* the caller's: the platform and k8s-svc see its token */
    char incident_id[QS_ID_LEN + 1];
    char alertname[128];
    bool opened;                /* notify incident.opened once diagnosed */
    int64_t received_ms;        /* when the alert reached this worker (the bench's start) */
    json_object *service;       /* the platform's Service */
} job_t;

struct _qs_incident_t {
    qs_wf_t *wf;
    qs_incidents_t *repo;
    qs_notifier_t *notifier;
    pthread_t threads[S_THREADS_MAX];
    int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    job_t *head, *tail;
    size_t queued, running;
};

static void
s_job_free (job_t *job)
{
    if (job) {
        json_object_put (job->service);
        free (job);
    }
}

static const char *
s_top_code (json_object *diagnosis)
{
    return qs_json_str (qs_json_path (diagnosis, "findings.0"), "code", "healthy");
}

/*  incident.opened / incident.resolved to the org's webhook, if any; the
    text names the top finding of the incident's diagnosis when it has one. */
static void
s_notify (qs_incident_t *self, const char *org_id, const char *event, json_object *incident)
{
    if (!self->notifier || !incident)
        return;
    bool opened = !strcmp (event, "incident.opened");
    const char *service = qs_json_str (incident, "service_name", NULL);
    char text[900];
    int n = snprintf (text, sizeof text, "%s %s%s%s", opened ? "Incident opened:" : "Incident resolved:",
                      qs_json_str (incident, "alertname", "alert"), service ? " on " : " (no matching service)",
                      service ? service : "");
    json_object *f = qs_json_path (incident, "diagnosis.findings.0");
    if (opened && f && n > 0 && (size_t) n < sizeof text)
        snprintf (text + n, sizeof text - (size_t) n, ". Diagnosis: %s (%s) - %.300s",
                  qs_json_str (f, "code", ""), qs_json_str (f, "severity", ""), qs_json_str (f, "evidence", ""));
    json_object *data = json_object_new_object ();
    json_object_object_add (data, "incident", json_object_get (incident));   /* with its diagnosis */
    qs_notifier_event (self->notifier, org_id, event, text, data);
    json_object_put (data);
}

/* ---- triage: the diagnosis after the answer ------------------------------- */

/*  The org's earlier cases of the top finding go with the diagnosis, and
    this one joins them (the chat's "last time this happened"). */
static void
s_history (qs_incident_t *self, const job_t *job, json_object *diagnosis)
{
    const char *code = s_top_code (diagnosis);
    if (!strcmp (code, "healthy"))
        return;
    qs_store_t *store = qs_wf_store (self->wf);
    qs_err_t err = {0};
    json_object *earlier = qs_store_diagnosis_find (store, job->auth.org_id, code, 3, &err);
    if (earlier)
        json_object_object_add (diagnosis, "history", earlier);
    json_object *rec = json_object_new_object (), *codes = json_object_new_array ();
    json_object *findings = qs_json_get (diagnosis, "findings", json_type_array);
    for (size_t i = 0; findings && i < json_object_array_length (findings); i++)
        json_object_array_add (codes, json_object_new_string (
            qs_json_str (json_object_array_get_idx (findings, i), "code", "")));
    qs_json_add_str (rec, "service_id", qs_json_str (job->service, "id", ""));
    qs_json_add_str (rec, "service_type", qs_json_str (job->service, "service_type", ""));
    json_object_object_add (rec, "findings", codes);
    qs_json_add_str (rec, "fix", qs_json_str (qs_json_path (diagnosis, "recommendations.0"), "description", "none"));
    char outcome[200];
    snprintf (outcome, sizeof outcome, "alert %s", job->alertname);
    qs_json_add_str (rec, "outcome", outcome);
    json_object_put (qs_store_diagnosis_put (store, job->auth.org_id, rec, &err));
    json_object_put (rec);
}

static void
s_triage (qs_incident_t *self, job_t *job)
{
    qs_err_t err = {0};
    const char *org = job->auth.org_id;
    int claimed = qs_incidents_claim (self->repo, org, job->incident_id, S_LEASE_MS, &err);
    if (claimed != 1) {
        if (claimed < 0)
            qs_warn (NULL, "incident %s: cannot claim its diagnosis: %s", job->incident_id, err.message);
        return;                 /* diagnosed, resolved, or being diagnosed elsewhere */
    }
    int64_t t0 = qs_mono_ms ();
    qs_req_t *req = qs_req_new_local ("incident_diagnose", NULL, &job->auth, S_DIAGNOSE_MS);
    qs_wf_run_t run;
    json_object *diagnosis = NULL, *incident = NULL;
    if (!req) {
        qs_warn (NULL, "incident %s: out of memory", job->incident_id);
        return;
    }
    qs_wf_run_init (&run, self->wf, req, NULL);
    if (qs_diagnose_service (&run, job->service, &diagnosis, &err) != 0)
        qs_warn (qs_req_id (req), "incident %s: diagnosis failed: %s", job->incident_id, err.message);
    else {
        s_history (self, job, diagnosis);
        if (qs_incidents_set_diagnosis (self->repo, org, job->incident_id, diagnosis, &err) != 0)
            qs_warn (qs_req_id (req), "incident %s: cannot store its diagnosis: %s", job->incident_id, err.message);
        else
            qs_info (qs_req_id (req), "incident %s diagnosed: %s in %lld ms, stored %lld ms after the alert arrived",
                     job->incident_id, s_top_code (diagnosis), (long long) (qs_mono_ms () - t0),
                     (long long) (qs_now_ms () - job->received_ms));
    }
    if (job->opened && (incident = qs_incidents_get (self->repo, org, job->incident_id, &err)))
        s_notify (self, org, "incident.opened", incident);
    json_object_put (incident);
    json_object_put (diagnosis);
    qs_req_destroy_local (&req);
}

static void *
s_triage_thread (void *arg)
{
    qs_incident_t *self = arg;
    pthread_mutex_lock (&self->lock);
    while (!self->stopping) {
        job_t *job = self->head;
        if (!job) {
            pthread_cond_wait (&self->wake, &self->lock);
            continue;
        }
        self->head = job->next;
        if (!self->head)
            self->tail = NULL;
        self->queued--;
        self->running++;
        pthread_mutex_unlock (&self->lock);
        s_triage (self, job);
        s_job_free (job);
        pthread_mutex_lock (&self->lock);
        self->running--;
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

/*  Queue a diagnosis; false when the queue is full (the lease was not
    taken: a re-fired alert tries again). Takes the job either way. */
static bool
s_push (qs_incident_t *self, job_t *job)
{
    pthread_mutex_lock (&self->lock);
    bool ok = self->queued < S_QUEUE_MAX && !self->stopping;
    if (ok) {
        if (self->tail)
            self->tail->next = job;
        else
            self->head = job;
        self->tail = job;
        self->queued++;
        pthread_cond_signal (&self->wake);
    }
    pthread_mutex_unlock (&self->lock);
    if (!ok) {
        qs_warn (NULL, "incident %s: the triage queue is full; not diagnosed now", job->incident_id);
        s_job_free (job);
    }
    return ok;
}

qs_incident_t *
qs_incident_new (qs_wf_t *wf, qs_incidents_t *repo, qs_notifier_t *notifier, int threads)
{
    qs_incident_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->wf = wf;
    self->repo = repo;
    self->notifier = notifier;
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->wake, NULL);
    threads = threads < 1 ? 1 : threads > S_THREADS_MAX ? S_THREADS_MAX : threads;
    while (self->nthreads < threads
           && pthread_create (&self->threads[self->nthreads], NULL, s_triage_thread, self) == 0)
        self->nthreads++;
    if (self->nthreads == 0)
        qs_incident_destroy (&self);
    return self;
}

void
qs_incident_destroy (qs_incident_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_incident_t *self = *self_p;
    pthread_mutex_lock (&self->lock);
    self->stopping = true;
    pthread_cond_broadcast (&self->wake);
    pthread_mutex_unlock (&self->lock);
    for (int i = 0; i < self->nthreads; i++)
        pthread_join (self->threads[i], NULL);
    while (self->head) {
        job_t *next = self->head->next;
        s_job_free (self->head);
        self->head = next;
    }
    pthread_mutex_destroy (&self->lock);
    pthread_cond_destroy (&self->wake);
    free (self);
    *self_p = NULL;
}

size_t
qs_incident_pending (qs_incident_t *self)
{
    pthread_mutex_lock (&self->lock);
    size_t n = self->queued + self->running;
    pthread_mutex_unlock (&self->lock);
    return n;
}

/* ---- the receiver ------------------------------------------------------------ */

static json_object *
s_find (json_object *services, const char *key, const char *value)
{
    for (size_t i = 0; *value && services && i < json_object_array_length (services); i++) {
        json_object *s = json_object_array_get_idx (services, i);
        if (!strcmp (qs_json_str (s, key, ""), value))
            return s;
    }
    return NULL;
}

/*  The org's service an alert is about (lent from services), or NULL. A pod
    is asked of k8s-svc only in the namespaces of the org's own services,
    and k8s-svc answers only for a pod carrying that service's label. */
static json_object *
s_match (qs_wf_run_t *run, json_object *services, const qs_alert_t *a)
{
    if (!services)
        return NULL;
    json_object *s = s_find (services, "id", a->service_id);
    if (!s)
        s = s_find (services, "name", a->service_name);
    if (s || !a->namespace_name[0] || !a->pod[0] || qs_now_ms () > run->pctx.deadline_ms)
        return s;           /* past the budget: the rest are stored unmatched */
    int asked = 0;
    for (size_t i = 0; i < json_object_array_length (services) && asked < S_POD_CANDIDATES; i++) {
        json_object *c = json_object_array_get_idx (services, i);
        if (strcmp (qs_json_str (c, "namespace", ""), a->namespace_name) != 0)
            continue;
        asked++;
        json_object *body = json_object_new_object (), *reply = NULL;
        qs_json_add_str (body, "service_id", qs_json_str (c, "id", ""));
        qs_json_add_str (body, "pod", a->pod);
        qs_err_t err = {0};
        int rc = qs_wf_call (run, "k8s", "pod", body, &reply, &err);
        json_object_put (body);
        json_object_put (reply);
        if (rc == 0)
            return c;
    }
    return NULL;
}

/*  A diagnosis to run after the answer (the caller's auth, copied). */
static job_t *
s_job_new (const qs_auth_t *auth, json_object *incident, const qs_alert_t *a, json_object *service,
           bool opened, int64_t received_ms)
{
    job_t *job = calloc (1, sizeof *job);
    if (job) {
        job->auth = *auth;
        qs_strlcpy (job->incident_id, qs_json_str (incident, "id", ""), sizeof job->incident_id);
        qs_strlcpy (job->alertname, a->alertname, sizeof job->alertname);
        job->opened = opened;
        job->received_ms = received_ms;
        job->service = json_object_get (service);
    }
    return job;
}

int
qs_incident_alert_op (qs_req_t *req, void *arg)
{
    qs_incident_t *self = arg;
    const qs_auth_t *auth = qs_req_auth (req);
    qs_err_t err = {0};
    qs_alert_batch_t batch;
    int64_t received_ms = qs_now_ms ();
    if (qs_alerts_parse (qs_req_body (req), &batch, &err) != 0)
        return qs_req_fail_err (req, &err);
    int rc = 0;
    qs_wf_run_t run;
    qs_wf_run_init (&run, self->wf, req, NULL);
    if (run.pctx.deadline_ms > received_ms + S_MATCH_MS)
        run.pctx.deadline_ms = received_ms + S_MATCH_MS;   /* Alertmanager waits for the answer */
    json_object *services = NULL;
    qs_platform_t *platform = qs_wf_platform (self->wf);
    if (batch.count && (!platform || qs_platform_list_services (platform, &run.pctx, &services, &err) != 0)) {
        qs_warn (qs_req_id (req), "alerts: the org's services are unavailable (%s); alerts stored unmatched",
                 platform ? err.message : "no platform client");
        qs_err_clear (&err);
    }
    json_object *reply = json_object_new_object (), *ids = json_object_new_array ();
    json_object_object_add (reply, "incidents", ids);
    json_object *after = json_object_new_array ();   /* incidents to notify after the answer */
    job_t *jobs = NULL;
    int counts[5] = {0};        /* opened, updated, resolved, unmatched, ignored */
    for (size_t i = 0; i < batch.count; i++) {
        const qs_alert_t *a = &batch.alerts[i];
        json_object *service = a->firing ? s_match (&run, services, a) : NULL;
        qs_incident_in_t in = {
            .firing = a->firing, .fingerprint = a->fingerprint, .alertname = a->alertname,
            .severity = a->severity, .summary = a->summary,
            .service_id = qs_json_str (service, "id", NULL), .service_name = qs_json_str (service, "name", NULL),
            .at_ms = a->firing ? a->starts_at_ms : a->ends_at_ms,
        };
        bool opened = false;
        json_object *incident = qs_incidents_record (self->repo, auth->org_id, &in, &opened, &err);
        if (!incident && err.status >= 500) {
            rc = qs_req_fail_err (req, &err);   /* the store is down: Alertmanager retries */
            goto cleanup;
        }
        if (!incident) {
            counts[4]++;                        /* resolved but never seen firing, bad text */
            qs_err_clear (&err);
            continue;
        }
        json_object_array_add (ids, json_object_new_string (qs_json_str (incident, "id", "")));
        counts[!a->firing ? 2 : opened ? 0 : 1]++;
        counts[3] += a->firing && !service;
        job_t *job = NULL;
        if (a->firing && service && !qs_json_get (incident, "diagnosis", json_type_object)
            && (job = s_job_new (auth, incident, a, service, opened, received_ms))) {
            job->next = jobs;
            jobs = job;
        }
        else if (!a->firing || (opened && !service))
            json_object_array_add (after, json_object_get (incident));
        json_object_put (incident);
    }
    static const char *keys[] = {"opened", "updated", "resolved", "unmatched", "ignored"};
    qs_json_add_int (reply, "received", (int64_t) batch.count);
    for (int k = 0; k < 5; k++)
        qs_json_add_int (reply, keys[k], counts[k]);
    qs_info (qs_req_id (req), "alerts: received=%zu opened=%d updated=%d resolved=%d unmatched=%d ignored=%d",
             batch.count, counts[0], counts[1], counts[2], counts[3], counts[4]);
    qs_req_reply (req, &reply);
    /* answered: now the slow part, off this thread */
    while (jobs) {
        job_t *next = jobs->next;
        jobs->next = NULL;
        s_push (self, jobs);
        jobs = next;
    }
    for (size_t i = 0; i < json_object_array_length (after); i++) {
        json_object *inc = json_object_array_get_idx (after, i);
        s_notify (self, auth->org_id, !strcmp (qs_json_str (inc, "status", ""), "resolved")
                  ? "incident.resolved" : "incident.opened", inc);
    }
cleanup:
    while (jobs) {
        job_t *next = jobs->next;
        s_job_free (jobs);
        jobs = next;
    }
    json_object_put (reply);
    json_object_put (after);
    json_object_put (services);
    qs_alerts_free (&batch);
    return rc;
}

int
qs_incident_list_op (qs_req_t *req, void *arg)
{
    qs_incident_t *self = arg;
    json_object *body = qs_req_body (req);
    const char *limit_text = qs_json_str (body, "limit", NULL);
    long limit = 0;
    if (limit_text) {
        char *end = NULL;
        limit = strtol (limit_text, &end, 10);
        if (!*limit_text || *end || limit < 1 || limit > QS_INCIDENTS_LIMIT_MAX)
            return qs_req_fail (req, 400, "bad_request", "limit must be a number from 1 to %d",
                                QS_INCIDENTS_LIMIT_MAX);
    }
    qs_err_t err = {0};
    json_object *list = qs_incidents_list (self->repo, qs_req_auth (req)->org_id,
                                           qs_json_str (body, "status", NULL), (int) limit, &err);
    if (!list)
        return qs_req_fail_err (req, &err);
    json_object *reply = json_object_new_object ();
    json_object_object_add (reply, "incidents", list);
    return qs_req_reply (req, &reply);
}
