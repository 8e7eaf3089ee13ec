/*  qs_harness - a subset of the suite started from a spec (see qs_harness.h) */
#include "qs_harness.h"
#include "qs_client.h"
#include "qs_util.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S_ENV_MAX 40

struct _qs_harness_t {
    char gateway[64];            /* http://127.0.0.1:<port> */
    char sandbox[64];
    char bus[QS_HARNESS_MAX_BROKERS * 48];
    char brokers[QS_HARNESS_MAX_BROKERS][48];
    int gateway_port;
    char dir[256];
    char *env[S_ENV_MAX + 1];    /* what every process gets, owned */
    int nenv;
    qs_proc_t *procs[QS_HARNESS_MAX_PROCS];
    bool is_broker[QS_HARNESS_MAX_PROCS];
    int nprocs;
};

static void
s_env_add (qs_harness_t *self, char *entry)
{
    if (entry && self->nenv < S_ENV_MAX)
        self->env[self->nenv++] = entry;
    else
        free (entry);
}

/*  Start one process with the suite's environment, then extra, then own
    (later entries win). Lent; NULL on failure. */
static qs_proc_t *
s_start (qs_harness_t *self, const char *name, const char *path, const char *const *args,
         const char *const *extra, const char *own)
{
    if (self->nprocs >= QS_HARNESS_MAX_PROCS)
        return NULL;
    char *env[S_ENV_MAX + 24] = {NULL};
    int n = 0;
    for (int i = 0; i < self->nenv; i++)
        env[n++] = self->env[i];
    for (int i = 0; extra && extra[i] && n < S_ENV_MAX + 22; i++)
        env[n++] = (char *) extra[i];
    if (own)
        env[n++] = (char *) own;
    char *argv[18] = {(char *) path};
    for (int i = 0; args && args[i] && i < 16; i++)
        argv[i + 1] = (char *) args[i];
    qs_proc_t *proc = qs_proc_start (name, path, argv, env);
    if (proc)
        self->procs[self->nprocs++] = proc;
    return proc;
}

static qs_proc_t *
s_start_rel (qs_harness_t *self, const char *name, const char *rel, const char *const *extra,
             const char *own)
{
    char *path = qs_build_path (rel);
    qs_proc_t *proc = path ? s_start (self, name, path, NULL, extra, own) : NULL;
    free (path);
    return proc;
}

/*  A broker is up when its port accepts connections, unless it died (its
    port taken). No zmq here: a test's unchecked fixture runs in the parent
    of forked tests, which must not start czmq's threads. */
static bool
s_broker_up (const char *endpoint, qs_proc_t *proc)
{
    const char *colon = strrchr (endpoint, ':');
    for (int i = 0; colon && i < 5; i++) {
        if (qs_wait_tcp (atoi (colon + 1), 1000))
            return qs_proc_alive (proc);
        if (!qs_proc_alive (proc))
            break;
    }
    return false;
}

static qs_proc_t *
s_start_broker (qs_harness_t *self, int index)
{
    char name[32], own[96];
    if (index)
        snprintf (name, sizeof name, "broker%d", index + 1);
    else
        snprintf (name, sizeof name, "broker");
    snprintf (own, sizeof own, "QS_BROKER_ENDPOINT=%s", self->brokers[index]);
    qs_proc_t *proc = s_start_rel (self, name, "gateway/quickspin-broker", NULL, own);
    if (proc)
        self->is_broker[self->nprocs - 1] = true;
    return proc && s_broker_up (self->brokers[index], proc) ? proc : NULL;
}

/*  The workers of w, named kind, kind-2, ... (the first free names).
    The first one started, lent; NULL on failure. */
static qs_proc_t *
s_start_workers (qs_harness_t *self, const qs_harness_workers_t *w)
{
    qs_proc_t *first = NULL;
    int count = w->count > 0 ? w->count : 1;
    for (int i = 0; i < count; i++) {
        char name[64];
        int nth = 1;
        snprintf (name, sizeof name, "%s", w->kind);
        while (qs_harness_proc (self, name))
            snprintf (name, sizeof name, "%s-%d", w->kind, ++nth);
        qs_proc_t *proc;
        if (w->bin) {
            char *path = w->bin[0] == '/' ? strdup (w->bin) : qs_build_path (w->bin);
            proc = path ? s_start (self, name, path, w->args, w->env, NULL) : NULL;
            free (path);
        }
        else {
            char rel[128];
            snprintf (rel, sizeof rel, "%s-svc/quickspin-%s", w->kind, w->kind);
            proc = s_start_rel (self, name, rel, w->env, NULL);
        }
        if (!proc)
            return NULL;
        first = first ? first : proc;
    }
    return first;
}

static int
s_prepare (qs_harness_t *self, const qs_harness_spec_t *spec)
{
    snprintf (self->dir, sizeof self->dir, "/tmp/qs-harness-XXXXXX");
    if (!mkdtemp (self->dir))
        return -1;
    int nbrokers = spec->embedded_broker ? 1 : spec->brokers;
    if (nbrokers > QS_HARNESS_MAX_BROKERS || nbrokers < 0)
        return -1;
    int nbus = nbrokers ? nbrokers : 1;
    for (int i = 0; i < nbus; i++) {
        snprintf (self->brokers[i], sizeof self->brokers[i], "tcp://127.0.0.1:%d", qs_free_port ());
        size_t used = strlen (self->bus);
        snprintf (self->bus + used, sizeof self->bus - used, "%s%s", i ? "," : "", self->brokers[i]);
    }
    self->gateway_port = qs_free_port ();
    int sandbox_port = qs_free_port ();
    snprintf (self->gateway, sizeof self->gateway, "http://127.0.0.1:%d", self->gateway_port);
    snprintf (self->sandbox, sizeof self->sandbox, "http://127.0.0.1:%d", sandbox_port);
    char *token_file = qs_strdupf ("%s/k8s-token", self->dir);
    FILE *f = token_file ? fopen (token_file, "w") : NULL;
    free (token_file);
    if (!f)
        return -1;
    fputs (QS_HARNESS_K8S_TOKEN, f);
    fclose (f);
    s_env_add (self, qs_strdupf ("QS_BROKER_ENDPOINT=%s", self->bus));
    s_env_add (self, qs_strdupf ("QS_BROKER_EMBEDDED=%d", spec->embedded_broker ? 1 : 0));
    s_env_add (self, qs_strdupf ("QS_PLATFORM_URL=%s", self->sandbox));
    s_env_add (self, qs_strdupf ("QS_K8S_API_URL=%s", self->sandbox));
    s_env_add (self, qs_strdupf ("QS_K8S_TOKEN_FILE=%s/k8s-token", self->dir));
    s_env_add (self, qs_strdupf ("QS_DATA_DIR=%s", self->dir));
    s_env_add (self, qs_strdupf ("QS_TEST_MARKER_DIR=%s", self->dir));
    s_env_add (self, qs_strdupf ("QS_STORE_URL=sqlite://%s/qs.db", self->dir));
    s_env_add (self, qs_strdupf ("QS_SANDBOX_ADDR=127.0.0.1:%d", sandbox_port));
    s_env_add (self, qs_strdupf ("QS_SANDBOX_K8S_TOKEN=%s", QS_HARNESS_K8S_TOKEN));
    s_env_add (self, qs_strdupf ("QS_SANDBOX_PROVISION_DELAY_MS=300"));
    s_env_add (self, qs_strdupf ("QS_HTTP_ADDR=127.0.0.1"));
    s_env_add (self, qs_strdupf ("QS_HTTP_PORT=%d", self->gateway_port));
    if (spec->log_level)
        s_env_add (self, qs_strdupf ("QS_LOG_LEVEL=%s", spec->log_level));
    if (spec->curve) {
        const qs_harness_curve_t *c = spec->curve;
        s_env_add (self, qs_strdupf ("QS_CURVE_SERVER_SECRET_FILE=%s", c->server_secret_file));
        s_env_add (self, qs_strdupf ("QS_CURVE_KEYS_FILE=%s", c->keys_file));
        s_env_add (self, qs_strdupf ("QS_CURVE_SERVER_PUBLIC_FILE=%s", c->server_public_file));
        s_env_add (self, qs_strdupf ("QS_CURVE_CLIENT_KEY_FILE=%s", c->client_key_file));
    }
    for (int i = 0; spec->env && spec->env[i]; i++)
        s_env_add (self, strdup (spec->env[i]));
    return 0;
}

static int
s_start_all (qs_harness_t *self, const qs_harness_spec_t *spec)
{
    if (spec->sandbox) {
        if (!s_start_rel (self, "sandbox", "tests/sandbox/quickspin-sandbox", NULL, NULL))
            return -1;
        char *url = qs_strdupf ("%s/__sandbox/health", self->sandbox);
        bool up = url && qs_wait_http (url, 10000);
        free (url);
        if (!up)
            return -1;
    }
    for (int i = 0; !spec->embedded_broker && i < spec->brokers; i++)
        if (!s_start_broker (self, i))
            return -1;
    if (spec->gateway) {
        if (!s_start_rel (self, "gateway", "gateway/quickspin-gateway", NULL, NULL))
            return -1;
    }
    const char *services[] = {"intent", "knowledge", "k8s", "workflow"};
    for (int i = 0; spec->service_workers && i < 4; i++)
        if (!s_start_workers (self, &(qs_harness_workers_t) {.kind = services[i]}))
            return -1;
    for (int i = 0; i < QS_HARNESS_MAX_KINDS && spec->workers[i].kind; i++)
        if (!s_start_workers (self, &spec->workers[i]))
            return -1;
    char url[128];
    if (spec->gateway && spec->wait_health_ms) {
        snprintf (url, sizeof url, "%s/api/v1/health", self->gateway);
        if (!qs_wait_http (url, spec->wait_health_ms))
            return -1;
    }
    if (spec->gateway && spec->wait_ready_ms
        && qs_harness_wait_ready (self, 200, spec->wait_ready_ms) < 0)
        return -1;
    return 0;
}

qs_harness_spec_t
qs_harness_whole (void)
{
    return (qs_harness_spec_t) {.sandbox = true, .brokers = 1, .service_workers = true,
                                .gateway = true, .log_level = "info", .wait_ready_ms = 30000};
}

qs_harness_t *
qs_harness_new (const qs_harness_spec_t *spec)
{
    qs_harness_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    if (s_prepare (self, spec) != 0 || s_start_all (self, spec) != 0) {
        fprintf (stderr, "qs_harness: the suite did not start\n");
        for (int i = 0; i < self->nprocs; i++)
            if (!qs_proc_alive (self->procs[i]) || i == self->nprocs - 1)
                qs_proc_print_log (self->procs[i]);
        qs_harness_destroy (&self);
    }
    return self;
}

int
qs_harness_stop (qs_harness_t *self)
{
    int rc = 0;
    for (int i = self ? self->nprocs - 1 : -1; i >= 0; i--) {
        if (qs_proc_reaped (self->procs[i]))
            continue;           /* the test stopped it and judged it */
        //  ASan exits are slow: 15 s before SIGKILL
        int status = qs_proc_stop (self->procs[i], SIGTERM, 15000);
        if (status != 0) {
            fprintf (stderr, "%s exited with %d\n", qs_proc_name (self->procs[i]), status);
            qs_proc_print_log (self->procs[i]);
            rc = -1;
        }
    }
    return rc;
}

void
qs_harness_destroy (qs_harness_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_harness_t *self = *self_p;
    //  no verdict here (qs_harness_stop gives one): 5 s, then SIGKILL
    for (int i = self->nprocs - 1; i >= 0; i--) {
        qs_proc_stop (self->procs[i], SIGTERM, 5000);
        qs_proc_destroy (&self->procs[i]);
    }
    for (int i = 0; i < self->nenv; i++)
        free (self->env[i]);
    if (self->dir[0]) {
        char *cmd = qs_strdupf ("rm -rf '%s'", self->dir);
        if (cmd && system (cmd) != 0)
            fprintf (stderr, "could not remove %s\n", self->dir);
        free (cmd);
    }
    free (self);
    *self_p = NULL;
}

qs_proc_t *
qs_harness_proc (qs_harness_t *self, const char *name)
{
    for (int i = 0; i < self->nprocs; i++)
        if (!strcmp (qs_proc_name (self->procs[i]), name))
            return self->procs[i];
    return NULL;
}

qs_proc_t *
qs_harness_restart (qs_harness_t *self, const char *name)
{
    for (int i = 0; i < self->nprocs; i++) {
        qs_proc_t *proc = self->procs[i];
        if (strcmp (qs_proc_name (proc), name) != 0)
            continue;
        int index = 0;
        if (self->is_broker[i])
            index = strcmp (name, "broker") == 0 ? 0 : atoi (name + 6) - 1;
        //  a broker's port may still be held for a moment: try again
        for (int attempt = 0; attempt < 10; attempt++) {
            if (qs_proc_restart (proc) != 0)
                return NULL;
            if (!self->is_broker[i] || s_broker_up (self->brokers[index], proc))
                return proc;
            qs_proc_stop (proc, SIGKILL, 2000);
            usleep (100000);
        }
        return NULL;
    }
    return NULL;
}

qs_proc_t *
qs_harness_add (qs_harness_t *self, const qs_harness_workers_t *w)
{
    return s_start_workers (self, w);
}

const char *
qs_harness_gateway (qs_harness_t *self)
{
    return self->gateway;
}

const char *
qs_harness_sandbox (qs_harness_t *self)
{
    return self->sandbox;
}

const char *
qs_harness_bus (qs_harness_t *self)
{
    return self->bus;
}

const char *
qs_harness_broker (qs_harness_t *self, int index)
{
    return index >= 0 && index < QS_HARNESS_MAX_BROKERS ? self->brokers[index] : NULL;
}

const char *
qs_harness_dir (qs_harness_t *self)
{
    return self->dir;
}

int
qs_harness_gateway_port (qs_harness_t *self)
{
    return self->gateway_port;
}

int
qs_harness_wait_ready (qs_harness_t *self, long want, int timeout_ms)
{
    char url[128];
    snprintf (url, sizeof url, "%s/api/v1/health/ready", self->gateway);
    return qs_wait_status (url, want, timeout_ms);
}

int
qs_harness_wait_workers (qs_harness_t *self, int broker, const char *service, int want,
                         int timeout_ms)
{
    const char *endpoint = qs_harness_broker (self, broker);
    qs_client_t *client = endpoint ? qs_client_new (endpoint) : NULL;
    int64_t until = qs_mono_ms () + timeout_ms;
    int count = -1;
    while (client) {
        count = qs_client_discover (client, service, 200);
        if (count == want || qs_mono_ms () >= until)
            break;
        usleep (20000);
    }
    qs_client_destroy (&client);
    return count;
}
