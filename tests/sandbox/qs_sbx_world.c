/*  qs_sbx_world - see qs_sbx_world.h */
#include "qs_sbx_world.h"
#include "qs_sbx_scenario.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char org_id[128];
    char key[128];
    uint64_t body_hash;
    char service_id[48];
} s_idem_t;

struct _qs_sbx_world_t {
    pthread_mutex_t mutex;
    int provision_delay_ms;
    qs_sbx_service_t **services;
    int nservices, cap_services;
    qs_sbx_org_t *orgs;
    int norgs, cap_orgs;
    s_idem_t *idem;
    int nidem, cap_idem;
};

qs_sbx_world_t *
qs_sbx_world_new (int provision_delay_ms)
{
    qs_sbx_world_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->mutex, NULL);
    self->provision_delay_ms = provision_delay_ms < 0 ? 0 : provision_delay_ms;
    return self;
}

void
qs_sbx_world_clear (qs_sbx_world_t *self)
{
    for (int i = 0; i < self->nservices; i++)
        free (self->services[i]);
    free (self->services);
    free (self->orgs);
    free (self->idem);
    self->services = NULL;
    self->orgs = NULL;
    self->idem = NULL;
    self->nservices = self->cap_services = 0;
    self->norgs = self->cap_orgs = 0;
    self->nidem = self->cap_idem = 0;
}

void
qs_sbx_world_destroy (qs_sbx_world_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_sbx_world_t *self = *self_p;
    qs_sbx_world_clear (self);
    pthread_mutex_destroy (&self->mutex);
    free (self);
    *self_p = NULL;
}

void
qs_sbx_world_lock (qs_sbx_world_t *self)
{
    pthread_mutex_lock (&self->mutex);
}

void
qs_sbx_world_unlock (qs_sbx_world_t *self)
{
    pthread_mutex_unlock (&self->mutex);
}

int
qs_sbx_world_provision_delay_ms (qs_sbx_world_t *self)
{
    return self->provision_delay_ms;
}

static void
s_uid (char *out, size_t size)
{
    unsigned char r[16] = {0};
    qs_random_bytes (r, sizeof r);
    r[6] = (unsigned char) ((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char) ((r[8] & 0x3f) | 0x80);
    snprintf (out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
              r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
              r[13], r[14], r[15]);
}

static void
s_pod_init (qs_sbx_service_t *svc, int index, qs_sbx_pod_state_t state, int restarts,
            int64_t created_ms, int64_t now_ms)
{
    qs_sbx_pod_t *pod = &svc->pods[index];
    memset (pod, 0, sizeof *pod);
    snprintf (pod->name, sizeof pod->name, "%s-%d", svc->name, index);
    s_uid (pod->uid, sizeof pod->uid);
    if (state != QS_SBX_POD_UNSCHEDULABLE)
        snprintf (pod->node, sizeof pod->node, "sandbox-node-%d", index % 3 + 1);
    pod->index = index;
    pod->state = state;
    pod->restarts = restarts;
    pod->created_ms = created_ms;
    /* a restarting container came up again a few minutes ago */
    pod->last_restart_ms = restarts > 0 ? now_ms - (int64_t) (3 + index) * 60000 : created_ms + 15000;
    if (pod->last_restart_ms > now_ms)
        pod->last_restart_ms = now_ms;
}

static int
s_wanted_pods (const qs_sbx_service_t *svc)
{
    /* one pod per replica: HA is the platform's standby, priced not shown */
    int n = svc->replicas;
    return n < 1 ? 1 : n > QS_SBX_MAX_PODS ? QS_SBX_MAX_PODS : n;
}

static void
s_create_pods (qs_sbx_service_t *svc, int64_t created_ms, int64_t now_ms)
{
    qs_sbx_pod_state_t state = qs_sbx_scenario_pod_state (svc->scenario);
    svc->npods = s_wanted_pods (svc);
    for (int i = 0; i < svc->npods; i++)
        s_pod_init (svc, i, state, qs_sbx_scenario_pod_restarts (svc->scenario, i), created_ms,
                    now_ms);
}

void
qs_sbx_world_tick (qs_sbx_world_t *self, int64_t now_ms)
{
    for (int i = 0; i < self->nservices; i++) {
        qs_sbx_service_t *svc = self->services[i];
        if (!strcmp (svc->status, "provisioning") && now_ms >= svc->ready_at_ms) {
            qs_strlcpy (svc->status, "running", sizeof svc->status);
            s_create_pods (svc, svc->ready_at_ms, now_ms);
        }
    }
}

qs_sbx_org_t *
qs_sbx_world_org (qs_sbx_world_t *self, const char *org_id, const char *plan)
{
    for (int i = 0; i < self->norgs; i++)
        if (!strcmp (self->orgs[i].id, org_id))
            return &self->orgs[i];
    if (!plan)
        return NULL;
    if (self->norgs == self->cap_orgs) {
        int cap = self->cap_orgs ? self->cap_orgs * 2 : 8;
        qs_sbx_org_t *grown = realloc (self->orgs, (size_t) cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->orgs = grown;
        self->cap_orgs = cap;
    }
    qs_sbx_org_t *org = &self->orgs[self->norgs++];
    memset (org, 0, sizeof *org);
    qs_strlcpy (org->id, org_id, sizeof org->id);
    qs_strlcpy (org->name, org_id, sizeof org->name);
    qs_strlcpy (org->plan, plan, sizeof org->plan);
    return org;
}

qs_sbx_service_t *
qs_sbx_world_add (qs_sbx_world_t *self, const qs_sbx_service_t *svc, int64_t now_ms)
{
    if (self->nservices == self->cap_services) {
        int cap = self->cap_services ? self->cap_services * 2 : 32;
        qs_sbx_service_t **grown = realloc (self->services, (size_t) cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->services = grown;
        self->cap_services = cap;
    }
    qs_sbx_service_t *copy = malloc (sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *svc;
    copy->npods = 0;
    if (copy->generation < 1)
        copy->generation = 1;
    if (strcmp (copy->status, "provisioning") != 0)
        s_create_pods (copy, copy->created_ms, now_ms);
    self->services[self->nservices++] = copy;
    return copy;
}

int
qs_sbx_world_count (qs_sbx_world_t *self)
{
    return self->nservices;
}

qs_sbx_service_t *
qs_sbx_world_at (qs_sbx_world_t *self, int index)
{
    return index >= 0 && index < self->nservices ? self->services[index] : NULL;
}

qs_sbx_service_t *
qs_sbx_world_find (qs_sbx_world_t *self, const char *id)
{
    for (int i = 0; id && i < self->nservices; i++)
        if (!strcmp (self->services[i]->id, id))
            return self->services[i];
    return NULL;
}

qs_sbx_service_t *
qs_sbx_world_find_name (qs_sbx_world_t *self, const char *org_id, const char *name)
{
    for (int i = 0; i < self->nservices; i++)
        if (!strcmp (self->services[i]->org_id, org_id) && !strcmp (self->services[i]->name, name))
            return self->services[i];
    return NULL;
}

int
qs_sbx_world_count_org (qs_sbx_world_t *self, const char *org_id)
{
    int n = 0;
    for (int i = 0; i < self->nservices; i++)
        n += !strcmp (self->services[i]->org_id, org_id);
    return n;
}

int
qs_sbx_world_remove (qs_sbx_world_t *self, const char *id)
{
    for (int i = 0; i < self->nservices; i++)
        if (!strcmp (self->services[i]->id, id)) {
            free (self->services[i]);
            memmove (&self->services[i], &self->services[i + 1],
                     (size_t) (self->nservices - i - 1) * sizeof self->services[0]);
            self->nservices--;
            return 0;
        }
    return -1;
}

qs_sbx_pod_t *
qs_sbx_world_find_pod (qs_sbx_world_t *self, const char *ns, const char *name,
                       qs_sbx_service_t **svc_p)
{
    for (int i = 0; i < self->nservices; i++) {
        qs_sbx_service_t *svc = self->services[i];
        if (strcmp (svc->namespace_, ns) != 0)
            continue;
        for (int p = 0; p < svc->npods; p++)
            if (!strcmp (svc->pods[p].name, name)) {
                if (svc_p)
                    *svc_p = svc;
                return &svc->pods[p];
            }
    }
    return NULL;
}

void
qs_sbx_world_resize (qs_sbx_service_t *svc, int64_t now_ms)
{
    if (!strcmp (svc->status, "provisioning"))
        return;          /* pods appear when provisioning ends */
    int want = s_wanted_pods (svc);
    qs_sbx_pod_state_t state = svc->fixed ? QS_SBX_POD_OK : qs_sbx_scenario_pod_state (svc->scenario);
    for (int i = svc->npods; i < want; i++)
        s_pod_init (svc, i, state, 0, now_ms, now_ms);
    svc->npods = want;
}

void
qs_sbx_world_restart_pod (qs_sbx_service_t *svc, qs_sbx_pod_t *pod, int64_t now_ms)
{
    qs_sbx_pod_state_t state = pod->state;
    if (state == QS_SBX_POD_OOM || state == QS_SBX_POD_CRASH_LOOP || state == QS_SBX_POD_RESTARTING)
        state = QS_SBX_POD_OK;
    s_pod_init (svc, pod->index, state, 0, now_ms, now_ms);
    bool all_ok = true;
    for (int i = 0; i < svc->npods; i++)
        all_ok = all_ok && svc->pods[i].state == QS_SBX_POD_OK;
    if (all_ok && svc->scenario != QS_SBX_SC_HEALTHY) {
        svc->fixed = true;
        if (!strcmp (svc->status, "failed"))
            qs_strlcpy (svc->status, "running", sizeof svc->status);
    }
}

int
qs_sbx_world_idem_find (qs_sbx_world_t *self, const char *org_id, const char *key,
                        uint64_t *body_hash, char *service_id, size_t size)
{
    for (int i = 0; i < self->nidem; i++)
        if (!strcmp (self->idem[i].org_id, org_id) && !strcmp (self->idem[i].key, key)) {
            if (body_hash)
                *body_hash = self->idem[i].body_hash;
            if (service_id)
                qs_strlcpy (service_id, self->idem[i].service_id, size);
            return 1;
        }
    return 0;
}

int
qs_sbx_world_idem_add (qs_sbx_world_t *self, const char *org_id, const char *key,
                       uint64_t body_hash, const char *service_id)
{
    if (self->nidem == self->cap_idem) {
        int cap = self->cap_idem ? self->cap_idem * 2 : 16;
        s_idem_t *grown = realloc (self->idem, (size_t) cap * sizeof *grown);
        if (!grown)
            return -1;
        self->idem = grown;
        self->cap_idem = cap;
    }
    s_idem_t *rec = &self->idem[self->nidem++];
    memset (rec, 0, sizeof *rec);
    qs_strlcpy (rec->org_id, org_id, sizeof rec->org_id);
    qs_strlcpy (rec->key, key, sizeof rec->key);
    rec->body_hash = body_hash;
    qs_strlcpy (rec->service_id, service_id, sizeof rec->service_id);
    return 0;
}
