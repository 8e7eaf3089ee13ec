/*  qs_e2e - see qs_e2e.h */
#include "qs_e2e.h"
#include "qs_cli_http.h"
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char s_extra_store[40][300];

/*  env plus e->extra, plus the broker's own bind endpoint for the brokers
    started by qs_e2e_start_opts (a later putenv wins). */
static char **
s_env_for (qs_e2e_t *e, char **env, const char *name)
{
    static char *out[48];
    int n = 0;
    for (int i = 0; env[i] && n < 40; i++)
        out[n++] = env[i];
    for (int i = 0; e->extra && e->extra[i] && n < 44; i++)
        out[n++] = (char *) e->extra[i];
    int which = !strcmp (name, "broker") ? 0 : !strcmp (name, "broker2") ? 1 : -1;
    if (which >= 0 && e->nbrokers > 1) {
        snprintf (s_extra_store[which], sizeof s_extra_store[which], "QS_BROKER_ENDPOINT=%s",
                  e->brokers[which]);
        out[n++] = s_extra_store[which];
    }
    out[n] = NULL;
    return out;
}

static qs_proc_t *
s_start (qs_e2e_t *e, const char *name, const char *rel, char **env)
{
    char *path = qs_build_path (rel);
    qs_proc_t *p = path ? qs_proc_start (name, path, NULL, s_env_for (e, env, name)) : NULL;
    free (path);
    if (p && e->nprocs < 16) {
        e->procs[e->nprocs] = p;
        e->rels[e->nprocs] = strdup (rel);
        e->names[e->nprocs++] = strdup (name);
    }
    return p;
}

/*  The environment every process of the suite shares (static strings live
    in e: putenv keeps the pointers). */
static char **
s_env (qs_e2e_t *e, char store[][300])
{
    static char *env[12];
    int port = atoi (strrchr (e->sandbox, ':') + 1);
    snprintf (store[0], 300, "QS_BROKER_ENDPOINT=%s", e->broker);
    snprintf (store[1], 300, "QS_PLATFORM_URL=%s", e->sandbox);
    snprintf (store[2], 300, "QS_K8S_API_URL=%s", e->sandbox);
    snprintf (store[3], 300, "QS_K8S_TOKEN_FILE=%s/k8s-token", e->data_dir);
    snprintf (store[4], 300, "QS_DATA_DIR=%s", e->data_dir);
    snprintf (store[5], 300, "QS_STORE_URL=sqlite://%s/qs.db", e->data_dir);
    snprintf (store[6], 300, "QS_SANDBOX_ADDR=127.0.0.1:%d", port);
    snprintf (store[7], 300, "QS_SANDBOX_K8S_TOKEN=e2e-k8s-token");
    snprintf (store[8], 300, "QS_SANDBOX_PROVISION_DELAY_MS=300");
    snprintf (store[9], 300, "QS_HTTP_PORT=%s", strrchr (e->gateway, ':') + 1);
    snprintf (store[10], 300, "QS_LOG_LEVEL=info");
    for (int i = 0; i < 11; i++)
        env[i] = store[i];
    env[11] = NULL;
    return env;
}

static char s_store[11][300];

int
qs_e2e_start (qs_e2e_t *e)
{
    qs_e2e_opts_t opts = { .brokers = 1, .wait_ready = true };
    return qs_e2e_start_opts (e, &opts);
}

int
qs_e2e_start_opts (qs_e2e_t *e, const qs_e2e_opts_t *opts)
{
    memset (e, 0, sizeof *e);
    e->extra = opts->env;
    e->nbrokers = opts->brokers > 1 ? 2 : 1;
    snprintf (e->gateway, sizeof e->gateway, "http://127.0.0.1:%d", qs_free_port ());
    snprintf (e->sandbox, sizeof e->sandbox, "http://127.0.0.1:%d", qs_free_port ());
    for (int i = 0; i < e->nbrokers; i++)
        snprintf (e->brokers[i], sizeof e->brokers[i], "tcp://127.0.0.1:%d", qs_free_port ());
    if (e->nbrokers > 1)
        snprintf (e->broker, sizeof e->broker, "%s,%s", e->brokers[0], e->brokers[1]);
    else
        snprintf (e->broker, sizeof e->broker, "%s", e->brokers[0]);
    snprintf (e->data_dir, sizeof e->data_dir, "/tmp/qs-e2e-XXXXXX");
    if (!mkdtemp (e->data_dir))
        return -1;
    char path[300];
    snprintf (path, sizeof path, "%s/k8s-token", e->data_dir);
    FILE *f = fopen (path, "w");
    if (!f)
        return -1;
    fputs ("e2e-k8s-token", f);
    fclose (f);
    char **env = s_env (e, s_store);
    char url[128];
    s_start (e, "sandbox", "tests/sandbox/quickspin-sandbox", env);
    snprintf (url, sizeof url, "%s/__sandbox/health", e->sandbox);
    if (!qs_wait_http (url, 10000))
        return -1;
    s_start (e, "broker", "gateway/quickspin-broker", env);
    if (e->nbrokers > 1)
        s_start (e, "broker2", "gateway/quickspin-broker", env);
    s_start (e, "intent", "intent-svc/quickspin-intent", env);
    s_start (e, "knowledge", "knowledge-svc/quickspin-knowledge", env);
    s_start (e, "k8s", "k8s-svc/quickspin-k8s", env);
    s_start (e, "workflow", "workflow-svc/quickspin-workflow", env);
    s_start (e, "gateway", "gateway/quickspin-gateway", env);
    snprintf (url, sizeof url, "%s/api/v1/health/ready", e->gateway);
    if (!opts->wait_ready)
        return 0;
    return qs_wait_http (url, 30000) ? 0 : -1;
}

qs_proc_t *
qs_e2e_proc (qs_e2e_t *e, const char *name)
{
    for (int i = 0; i < e->nprocs; i++)
        if (!strcmp (e->names[i], name))
            return e->procs[i];
    return NULL;
}

qs_proc_t *
qs_e2e_restart (qs_e2e_t *e, const char *name)
{
    for (int i = 0; i < e->nprocs; i++) {
        if (strcmp (e->names[i], name) != 0)
            continue;
        qs_proc_destroy (&e->procs[i]);
        char *path = qs_build_path (e->rels[i]);
        e->procs[i] = path ? qs_proc_start (name, path, NULL,
                                            s_env_for (e, s_env (e, s_store), name)) : NULL;
        free (path);
        return e->procs[i];
    }
    return NULL;
}

qs_proc_t *
qs_e2e_add_worker (qs_e2e_t *e, const char *service, const char *tag)
{
    char rel[128], name[64];
    snprintf (rel, sizeof rel, "%s-svc/quickspin-%s", service, service);
    snprintf (name, sizeof name, "%s-%s", service, tag);
    return s_start (e, name, rel, s_env (e, s_store));
}

void
qs_e2e_stop (qs_e2e_t *e)
{
    for (int i = e->nprocs - 1; i >= 0; i--) {
        qs_proc_destroy (&e->procs[i]);
        free (e->names[i]);
        free (e->rels[i]);
    }
    e->nprocs = 0;
    char cmd[300];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", e->data_dir);
    if (strncmp (e->data_dir, "/tmp/qs-e2e-", 12) == 0 && system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", e->data_dir);
}

char *
qs_e2e_token (const char *sub, const char *org, const char *roles)
{
    qs_cli_token_opts_t opts = {.sub = sub, .org_id = org, .roles = roles, .tier = "pro"};
    qs_err_t err = {0};
    return qs_cli_token_mint (&opts, QS_DEV_JWT_SECRET, &err);
}

long
qs_e2e_http (const char *method, const char *base, const char *path, const char *token,
             const char *body, json_object **json_p)
{
    json_object *jbody = body ? json_tokener_parse (body) : NULL;
    qs_http_resp_t resp;
    qs_err_t err = {0};
    long status = 0;
    if (json_p)
        *json_p = NULL;
    if (qs_cli_http (method, base, path, token, jbody, 60000, &resp, &err) == 0) {
        status = resp.status;
        if (json_p && resp.body)
            *json_p = qs_json_parse (resp.body, resp.len, NULL);
        qs_http_resp_clear (&resp);
    }
    json_object_put (jbody);
    return status;
}

json_object *
qs_e2e_audit_all (const qs_e2e_t *e, const char *token, int page_size)
{
    json_object *all = json_object_new_array ();
    char path[300];
    snprintf (path, sizeof path, "/api/v1/audit?limit=%d", page_size);
    for (;;) {
        json_object *page = NULL;
        long status = qs_e2e_http ("GET", e->gateway, path, token, NULL, &page);
        json_object *entries = qs_json_get (page, "entries", json_type_array);
        if (status != 200 || !entries) {
            fprintf (stderr, "GET %s -> %ld\n", path, status);
            json_object_put (page);
            json_object_put (all);
            return NULL;
        }
        for (size_t i = 0; i < json_object_array_length (entries); i++)
            json_object_array_add (all, json_object_get (json_object_array_get_idx (entries, i)));
        const char *next = qs_json_str (page, "next_cursor", NULL);
        if (next)
            snprintf (path, sizeof path, "/api/v1/audit?limit=%d&cursor=%s", page_size, next);
        json_object_put (page);
        if (!next)
            return all;
    }
}
