/*  turn_world - see turn_world.h */
#include "turn_world.h"
#include <check.h>
#include "qs_cli_token.h"
#include "qs_harness.h"
#include "qs_intent_handlers.h"
#include "qs_k8s_ops.h"
#include "qs_json.h"
#include "qs_sbx_server.h"
#include "qs_flows.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET "turn-world-test-secret"

struct _turn_world_t {
    qs_sbx_server_t *sandbox;
    qs_intent_service_t *intent;
    qs_k8s_ops_t *k8s;
    qs_wf_t *wf;
    int deadline_ms;
    char db[256];
    char platform[64];
};

/*  Run op on a local request and hand back its reply (or error). */
static int
s_local (qs_op_fn *fn, void *arg, const char *op, json_object *body, const qs_auth_t *auth,
         int deadline_ms, json_object **reply_p, qs_err_t *err)
{
    qs_req_t *req = qs_req_new_local (op, body, auth, deadline_ms);
    fn (req, arg);
    int status = qs_req_local_status (req);
    json_object *reply = qs_req_local_reply (req);
    int rc = 0;
    if (status >= 200 && status < 300)
        *reply_p = json_object_get (reply);
    else {
        qs_err_set (err, status, qs_json_str (qs_json_path (reply, "error"), "code", "error"), "%s",
                    qs_json_str (qs_json_path (reply, "error"), "message", "failed"));
        rc = -1;
    }
    qs_req_destroy_local (&req);
    return rc;
}

static int
s_call (void *arg, qs_wf_run_t *run, const char *service, const char *op, json_object *body,
        json_object **reply_p, qs_err_t *err)
{
    turn_world_t *self = arg;
    if (!strcmp (service, "intent"))
        return s_local (!strcmp (op, "classify") ? qs_intent_op_classify
                        : !strcmp (op, "understand") ? qs_intent_op_understand : qs_intent_op_extract,
                        self->intent, op, body, run->pctx.auth, 10000, reply_p, err);
    if (!strcmp (service, "k8s"))
        return qs_k8s_ops_run (self->k8s, op, run->pctx.auth, body, run->pctx.deadline_ms,
                               run->pctx.request_id, reply_p, err);
    if (!strcmp (service, "knowledge") && !strcmp (op, "search")) {
        *reply_p = json_object_new_object ();
        json_object_object_add (*reply_p, "results", json_object_new_array ());
        return 0;
    }
    return qs_err_set (err, 503, "unavailable", "no %s worker in this test", service);
}

turn_world_t *
turn_world_new (void)
{
    turn_world_t *self = calloc (1, sizeof *self);
    qs_sbx_config_t cfg = {.port = qs_free_port ()};
    snprintf (cfg.host, sizeof cfg.host, "127.0.0.1");
    snprintf (cfg.secret, sizeof cfg.secret, SECRET);
    snprintf (cfg.k8s_token, sizeof cfg.k8s_token, "k8s-token");
    qs_err_t err = {0};
    self->sandbox = qs_sbx_server_new (&cfg, qs_now_ms ());
    if (!self->sandbox || qs_sbx_server_start (self->sandbox, &err) != 0) {
        fprintf (stderr, "sandbox: %s\n", err.message);
        turn_world_destroy (&self);
        return NULL;
    }
    snprintf (self->platform, sizeof self->platform, "http://127.0.0.1:%d", cfg.port);
    setenv ("QS_PLATFORM_URL", self->platform, 1);      /* the diagnosis' helper thread client */
    self->deadline_ms = 10000;
    qs_k8s_config_t k8s = {.source = "default"};
    snprintf (k8s.url, sizeof k8s.url, "%s", self->platform);
    qs_strlcpy (k8s.static_token, cfg.k8s_token, sizeof k8s.static_token);
    self->k8s = qs_k8s_ops_new (self->platform, &k8s, NULL);
    snprintf (self->db, sizeof self->db, "/tmp/qs-turn-%d-%lld.db", (int) getpid (), (long long) qs_mono_ms ());
    char url[300];
    snprintf (url, sizeof url, "sqlite://%s", self->db);
    qs_store_t *store = qs_store_new (url, &err);
    qs_intent_classifier_t *cls = qs_intent_classifier_new ();
    self->intent = qs_intent_service_new (&cls, NULL, NULL);
    self->wf = store ? qs_wf_new (&store, self->platform) : NULL;
    if (!self->wf || !self->intent || !self->k8s) {
        qs_store_destroy (&store);
        turn_world_destroy (&self);
        return NULL;
    }
    qs_wf_io_t io = {s_call, self};
    qs_wf_set_io (self->wf, &io);
    /* the service lists kept for the whole test: every turn after one of
       this worker's changes must see it without waiting for an expiry */
    qs_svccache_t *cache = qs_svccache_new (600000, 64);
    qs_wf_set_services_cache (self->wf, &cache);
    return self;
}

void
turn_world_destroy (turn_world_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    turn_world_t *self = *self_p;
    qs_wf_destroy (&self->wf);
    qs_intent_service_destroy (&self->intent);
    qs_k8s_ops_destroy (&self->k8s);
    qs_sbx_server_destroy (&self->sandbox);
    if (*self->db)
        unlink (self->db);
    free (self);
    *self_p = NULL;
}

void
turn_world_auth (turn_world_t *self, qs_auth_t *auth, const char *sub, const char *org, const char *roles)
{
    (void) self;
    memset (auth, 0, sizeof *auth);
    snprintf (auth->sub, sizeof auth->sub, "%s", sub);
    snprintf (auth->org_id, sizeof auth->org_id, "%s", org);
    snprintf (auth->tier, sizeof auth->tier, "pro");
    for (const char *r = roles; r && *r;) {
        const char *comma = strchr (r, ',');
        char name[32];
        snprintf (name, sizeof name, "%.*s", (int) (comma ? comma - r : (long) strlen (r)), r);
        auth->roles |= qs_auth_role_bit (name);
        r = comma ? comma + 1 : NULL;
    }
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .tier = "pro", .roles = roles};
    qs_err_t err = {0};
    char *token = qs_cli_token_mint (&opts, SECRET, &err);
    snprintf (auth->token, sizeof auth->token, "%s", token ? token : "");
    free (token);
}

json_object *
turn_world_chat (turn_world_t *self, const qs_auth_t *auth, const char *conv, const char *message,
                 int *status_p)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "message", message);
    if (conv)
        qs_json_add_str (body, "conversation_id", conv);
    qs_err_t err = {0};
    int rc = s_local (qs_turn_chat_op, self->wf, "chat", body, auth, self->deadline_ms, &reply, &err);
    json_object_put (body);
    if (status_p)
        *status_p = rc == 0 ? 200 : err.status;
    return reply;
}

json_object *
turn_world_say (turn_world_t *self, const qs_auth_t *auth, char *conv, const char *message)
{
    int status = 0;
    json_object *r = turn_world_chat (self, auth, *conv ? conv : NULL, message, &status);
    ck_assert_msg (r && status == 200, "'%s' -> %d", message, status);
    snprintf (conv, 64, "%s", qs_json_str (r, "conversation_id", ""));
    /* every ChatResponse carries the metadata of section 4 */
    json_object *meta = qs_json_get (r, "metadata", json_type_object);
    ck_assert_ptr_nonnull (qs_json_get (meta, "confidence", json_type_double));
    ck_assert_ptr_nonnull (qs_json_get (meta, "workflow", json_type_string));
    ck_assert_ptr_nonnull (qs_json_get (meta, "sources", json_type_array));
    ck_assert_ptr_nonnull (qs_json_get (meta, "engine", json_type_string));
    ck_assert_ptr_nonnull (qs_json_get (meta, "timings_ms", json_type_object));
    return r;
}

int
turn_world_decide (turn_world_t *self, const qs_auth_t *auth, const char *id, const char *what,
                   json_object **resp_p)
{
    return turn_world_decide_with (self, auth, id, what, NULL, resp_p);
}

int
turn_world_decide_with (turn_world_t *self, const qs_auth_t *auth, const char *id, const char *what,
                        json_object *extra, json_object **resp_p)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "action_id", id);
    if (extra) {
        json_object_object_foreach (extra, key, value)
            json_object_object_add (body, key, json_object_get (value));
    }
    qs_err_t err = {0};
    int rc = s_local (!strcmp (what, "confirm") ? qs_turn_confirm_op : qs_turn_cancel_op, self->wf,
                      what, body, auth, self->deadline_ms, &reply, &err);
    json_object_put (body);
    if (resp_p)
        *resp_p = reply;
    else
        json_object_put (reply);
    return rc == 0 ? 200 : err.status;
}

void
turn_world_set_deadline (turn_world_t *self, int ms)
{
    self->deadline_ms = ms;
}

int
turn_world_requests (turn_world_t *self, const char *method, const char *path_prefix, int *with_key_p)
{
    return qs_sbx_server_count (self->sandbox, method, path_prefix, with_key_p);
}

int
turn_world_fault (turn_world_t *self, const char *rule)
{
    qs_sbx_req_t req = {.method = "POST", .path = "/__sandbox/faults", .body = rule,
                        .body_len = strlen (rule), .now_ms = qs_now_ms ()};
    qs_sbx_resp_t resp;
    memset (&resp, 0, sizeof resp);
    qs_sbx_server_handle (self->sandbox, &req, &resp);
    int rc = resp.status == 201 ? 0 : -1;
    qs_sbx_resp_clear (&resp);
    return rc;
}

int
turn_world_apply (turn_world_t *self, const qs_auth_t *auth, const char *id, const char *conv,
                  json_object **resp_p)
{
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "id", id);
    if (conv)
        qs_json_add_str (body, "conversation_id", conv);
    qs_err_t err = {0};
    int rc = s_local (id ? qs_turn_apply_op : qs_optimize_recommendations_op, self->wf,
                      id ? "recommendation_apply" : "recommendations", body, auth, self->deadline_ms, &reply, &err);
    json_object_put (body);
    *resp_p = reply;
    return rc == 0 ? 200 : err.status;
}

json_object *
turn_world_services (turn_world_t *self, const qs_auth_t *auth)
{
    qs_platform_t *p = qs_platform_new (self->platform);
    qs_platform_ctx_t ctx = {.auth = auth, .deadline_ms = qs_now_ms () + 10000};
    json_object *services = NULL;
    qs_err_t err = {0};
    qs_platform_list_services (p, &ctx, &services, &err);
    qs_platform_destroy (&p);
    return services ? services : json_object_new_array ();
}
