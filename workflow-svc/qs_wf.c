/*  qs_wf - see qs_wf.h */
#include "qs_wf.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QS_WF_MAX_THREADS 256

struct _qs_wf_t {
    qs_store_t *store;
    qs_llm_t *llm;              /* NULL = templates only */
    qs_wf_io_t io;
    qs_notifier_t *notifier;    /* lent, may be NULL */
    qs_svccache_t *services;    /* NULL: every turn asks the platform */
    char *platform_url;
    pthread_key_t key;
    pthread_mutex_t lock;
    qs_platform_t *clients[QS_WF_MAX_THREADS];   /* every per-thread client, to free */
    int nclients;
};

qs_wf_t *
qs_wf_new (qs_store_t **store_p, const char *platform_url)
{
    qs_wf_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    if (platform_url && !(self->platform_url = strdup (platform_url))) {
        free (self);
        return NULL;
    }
    pthread_key_create (&self->key, NULL);
    pthread_mutex_init (&self->lock, NULL);
    self->store = *store_p;
    *store_p = NULL;
    return self;
}

void
qs_wf_destroy (qs_wf_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_wf_t *self = *self_p;
    for (int i = 0; i < self->nclients; i++)
        qs_platform_destroy (&self->clients[i]);
    pthread_key_delete (self->key);
    pthread_mutex_destroy (&self->lock);
    qs_store_destroy (&self->store);
    qs_svccache_destroy (&self->services);
    qs_llm_destroy (&self->llm);
    free (self->platform_url);
    free (self);
    *self_p = NULL;
}

qs_store_t *
qs_wf_store (qs_wf_t *self)
{
    return self->store;
}

void
qs_wf_set_llm (qs_wf_t *self, qs_llm_t **llm_p)
{
    qs_llm_destroy (&self->llm);
    self->llm = *llm_p;
    *llm_p = NULL;
}

void
qs_wf_set_io (qs_wf_t *self, const qs_wf_io_t *io)
{
    self->io = *io;
}

void
qs_wf_set_notifier (qs_wf_t *self, qs_notifier_t *notifier)
{
    self->notifier = notifier;
}

void
qs_wf_set_services_cache (qs_wf_t *self, qs_svccache_t **cache_p)
{
    qs_svccache_destroy (&self->services);
    self->services = *cache_p;
    *cache_p = NULL;
}

int
qs_wf_services (qs_wf_run_t *run, json_object **services_p, qs_err_t *err)
{
    qs_wf_t *self = run->wf;
    if ((*services_p = qs_svccache_get (self->services, run->pctx.auth, qs_mono_ms ())))
        return 0;
    if (qs_platform_list_services (qs_wf_platform (self), &run->pctx, services_p, err) != 0)
        return -1;
    qs_svccache_put (self->services, run->pctx.auth, *services_p, qs_mono_ms ());
    return 0;
}

void
qs_wf_services_changed (qs_wf_t *self)
{
    qs_svccache_forget (self->services);
}

qs_notifier_t *
qs_wf_notifier (qs_wf_t *self)
{
    return self->notifier;
}

qs_llm_t *
qs_wf_llm (qs_wf_t *self)
{
    return self->llm;
}

qs_platform_t *
qs_wf_platform (qs_wf_t *self)
{
    qs_platform_t *client = pthread_getspecific (self->key);
    if (client)
        return client;
    pthread_mutex_lock (&self->lock);
    if (self->nclients < QS_WF_MAX_THREADS && (client = qs_platform_new (self->platform_url)))
        self->clients[self->nclients++] = client;
    pthread_mutex_unlock (&self->lock);
    if (client)
        pthread_setspecific (self->key, client);
    return client;
}

void
qs_wf_run_init (qs_wf_run_t *run, qs_wf_t *wf, qs_req_t *req, const char *conversation_id)
{
    memset (run, 0, sizeof *run);
    run->wf = wf;
    run->req = req;
    run->conversation_id = conversation_id;
    run->pctx.auth = qs_req_auth (req);
    run->pctx.deadline_ms = qs_req_deadline_ms (req);
    run->pctx.request_id = qs_req_id (req);
}

void
qs_wf_emit (qs_wf_run_t *run, const char *event, json_object **data_p)
{
    if (run->req)
        qs_req_partial (run->req, event, data_p);
    json_object_put (*data_p);
    *data_p = NULL;
}

int
qs_wf_call (qs_wf_run_t *run, const char *service, const char *op, json_object *body,
            json_object **reply_p, qs_err_t *err)
{
    if (run->wf->io.call)
        return run->wf->io.call (run->wf->io.arg, run, service, op, body, reply_p, err);
    return qs_req_call (run->req, service, op, body, reply_p, err, NULL, NULL);
}

static const char *
s_store_status (json_object *state)
{
    const char *s = qs_graph_status (state);
    if (!strcmp (s, "interrupted"))
        return "waiting_confirmation";
    if (!strcmp (s, "done"))
        return "finished";
    if (!strcmp (s, "failed"))
        return "failed";
    return "running";
}

static int
s_checkpoint (void *arg, json_object *state, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    const qs_auth_t *auth = run->pctx.auth;
    if (run->flow) {
        /* the typed state is what the nodes changed: the checkpoint is its JSON */
        qs_flow_head_save (run->flow, state);
        run->flow_type->save (run->flow, state);
    }
    const char *run_id = qs_json_str (qs_json_get (state, "_run", json_type_object), "id", NULL);
    if (!run_id || !run->conversation_id)
        return 0;               /* a run outside a conversation is not resumable */
    /* steps only grow, across workers too: continue from the stored step */
    run->step = qs_json_int (state, "_step", 0) + 1;
    qs_json_add_int (state, "_step", run->step);
    return qs_store_checkpoint_put (qs_wf_store (run->wf), auth->org_id, auth->sub, run_id,
                                    run->conversation_id, run->step, s_store_status (state),
                                    state, err);
}

static void
s_step (void *arg, const char *graph, const char *node, const char *status, int64_t elapsed_ms)
{
    qs_wf_run_t *run = arg;
    json_object *data = json_object_new_object ();
    qs_json_add_str (data, "workflow", graph);
    qs_json_add_str (data, "step", node);
    qs_json_add_str (data, "status", status);
    if (strcmp (status, "start") != 0)
        qs_json_add_int (data, "elapsed_ms", elapsed_ms);
    qs_debug (run->pctx.request_id, "workflow=%s step=%s status=%s ms=%lld", graph, node, status,
              (long long) elapsed_ms);
    qs_wf_emit (run, "step", &data);
}

qs_graph_hooks_t
qs_wf_hooks (qs_wf_run_t *run)
{
    qs_graph_hooks_t hooks = {s_checkpoint, s_step, run, 200};
    return hooks;
}

qs_node_rc_t
qs_wf_platform_rc (const qs_err_t *err)
{
    return err->status == 503 || err->status == 429 || err->status == 502 ? QS_NODE_RETRY
                                                                           : QS_NODE_FAIL;
}

qs_node_rc_t
qs_wf_propose (qs_wf_run_t *run, const char *type, const char *summary, json_object *config,
               json_object *estimate, const char *key_prefix, qs_err_t *err)
{
    qs_flow_head_t *head = run->flow;
    snprintf (head->idempotency_key, sizeof head->idempotency_key, "%s-%s", key_prefix, run->run_id);
    json_object *a = json_object_new_object ();
    qs_json_add_str (a, "conversation_id", run->conversation_id);
    qs_json_add_str (a, "run_id", run->run_id);
    qs_json_add_str (a, "type", type);
    qs_json_add_str (a, "summary", summary);
    json_object_object_add (a, "config", json_object_get (config));
    if (estimate)
        json_object_object_add (a, "estimate", json_object_get (estimate));
    qs_json_add_str (a, "idempotency_key", head->idempotency_key);
    json_object *action = qs_store_action_create (qs_wf_store (run->wf), run->pctx.auth->org_id,
                                                  run->pctx.auth->sub, a, err);
    json_object_put (a);
    if (!action)
        return err->status == 503 ? QS_NODE_RETRY : QS_NODE_FAIL;
    json_object_put (head->action);
    head->action = action;
    return QS_NODE_INTERRUPT;
}

static void
s_copy (char *out, size_t size, json_object *obj, const char *key)
{
    qs_strlcpy (out, qs_json_str (obj, key, ""), size);
}

void
qs_flow_head_load (qs_flow_head_t *head, json_object *cp)
{
    s_copy (head->intent, sizeof head->intent, cp, "intent");
    s_copy (head->idempotency_key, sizeof head->idempotency_key, cp, "idempotency_key");
    s_copy (head->decision, sizeof head->decision, cp, "decision");
    s_copy (head->service_id, sizeof head->service_id, cp, "service_id");
    s_copy (head->error, sizeof head->error, cp, "error");
    json_object_put (head->action);
    head->action = json_object_get (qs_json_get (cp, "action", json_type_object));
}

void
qs_flow_head_save (const qs_flow_head_t *head, json_object *cp)
{
    const char *keys[] = {"intent", "idempotency_key", "decision", "service_id", "error"};
    const char *vals[] = {head->intent, head->idempotency_key, head->decision, head->service_id, head->error};
    for (int i = 0; i < 5; i++) {
        if (*vals[i])
            qs_json_add_str (cp, keys[i], vals[i]);
        else
            json_object_object_del (cp, keys[i]);
    }
    if (head->action)
        json_object_object_add (cp, "action", json_object_get (head->action));
}

void
qs_flow_head_clear (qs_flow_head_t *head)
{
    json_object_put (head->action);
    head->action = NULL;
}

qs_node_rc_t
qs_wf_node_noop (json_object *state, void *ctx, qs_err_t *err)
{
    (void) state; (void) ctx; (void) err;
    return QS_NODE_OK;
}

const char *
qs_wf_route_decision (json_object *state, void *ctx)
{
    (void) state;
    const qs_flow_head_t *head = ((qs_wf_run_t *) ctx)->flow;
    return !strcmp (head->decision, "confirm") ? "execute" : "report";
}
