/*  qs_secure_fixture - see qs_secure_fixture.h */
#include "qs_secure_fixture.h"
#include <arpa/inet.h>
#include <czmq.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "qs_cli_token.h"
#include "qs_client.h"
#include "qs_wf_events.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_ops.h"
#include "qs_util.h"

/*  The fixture also serves the benchmark, which runs outside check: a
    failed setup aborts (a test sees the signal) with the condition printed. */
#define S_REQUIRE(cond) do { if (!(cond)) { \
        fprintf (stderr, "%s:%d: fixture: %s failed\n", __FILE__, __LINE__, #cond); \
        abort (); } } while (0)

static void
s_pair (qs_fix_keys_t *keys, qs_curve_keypair_t *kp, const char *name, char *path, size_t size)
{
    qs_err_t err;
    S_REQUIRE ((qs_curve_keypair_new (kp, &err)) == 0);
    char base [300];
    snprintf (base, sizeof base, "%s/%s", keys->dir, name);
    S_REQUIRE ((qs_curve_keypair_save (kp, base, &err)) == 0);
    if (path)
        snprintf (path, size, "%s.key", base);
}

void
qs_fix_keys_make (qs_fix_keys_t *keys)
{
    memset (keys, 0, sizeof *keys);
    snprintf (keys->dir, sizeof keys->dir, "/tmp/qs-curve-XXXXXX");
    S_REQUIRE (mkdtemp (keys->dir) != NULL);
    s_pair (keys, &keys->server, "server", NULL, 0);
    snprintf (keys->server_pub, sizeof keys->server_pub, "%s/server.pub", keys->dir);
    s_pair (keys, &keys->worker, "worker", keys->worker_key, sizeof keys->worker_key);
    s_pair (keys, &keys->client, "client", keys->client_key, sizeof keys->client_key);
    s_pair (keys, &keys->integration, "integration", keys->integration_key, sizeof keys->integration_key);
    s_pair (keys, &keys->gateway, "gateway", keys->gateway_key, sizeof keys->gateway_key);
    s_pair (keys, &keys->stranger, "stranger", NULL, 0);
    snprintf (keys->keys_file, sizeof keys->keys_file, "%s/allowed", keys->dir);
    FILE *file = fopen (keys->keys_file, "w");
    S_REQUIRE (file != NULL);
    fprintf (file, "# role key name\nworker %s workflow-1\nclient %s cli\n"
             "integration %s billing   # a comment\ngateway %s gw\n",
             keys->worker.public_key, keys->client.public_key, keys->integration.public_key,
             keys->gateway.public_key);
    fclose (file);
}

void
qs_fix_keys_remove (qs_fix_keys_t *keys)
{
    static const char *names [] = {"server", "worker", "client", "integration", "gateway", "stranger", NULL};
    char path [320];
    for (int i = 0; names [i]; i++) {
        snprintf (path, sizeof path, "%s/%s.key", keys->dir, names [i]);
        unlink (path);
        snprintf (path, sizeof path, "%s/%s.pub", keys->dir, names [i]);
        unlink (path);
    }
    unlink (keys->keys_file);
    rmdir (keys->dir);
}

void
qs_fix_broker_start (qs_fix_broker_t *fix, const qs_fix_keys_t *keys)
{
    memset (fix, 0, sizeof *fix);
    qs_err_t err;
    qs_jwt_config_t jcfg = { .alg = QS_JWT_HS256, .key = QS_FIX_SECRET };
    fix->jwt = qs_jwt_new (&jcfg, &err);
    S_REQUIRE (fix->jwt != NULL);
    snprintf (fix->events, sizeof fix->events, "tcp://127.0.0.1:%d", qs_free_port ());
    qs_broker_config_t config = {
        .endpoint = "tcp://127.0.0.1:*", .heartbeat_ms = 200, .liveness = 5,
        .curve_secret_key = keys ? keys->server.secret_key : NULL,
        .curve_keys_path = keys ? keys->keys_file : NULL,
        .events_endpoint = fix->events,
        .verify = qs_jwt_verify_bus, .verify_arg = fix->jwt,
        .admit = qs_ops_admit,
    };
    fix->broker = qs_broker_new (&config);
    S_REQUIRE (fix->broker != NULL);
    qs_strlcpy (fix->endpoint, qs_broker_endpoint (fix->broker), sizeof fix->endpoint);
}

void
qs_fix_broker_stop (qs_fix_broker_t *fix)
{
    qs_broker_destroy (&fix->broker);
    qs_jwt_destroy (&fix->jwt);
}

void
qs_fix_env_keys (const qs_fix_keys_t *keys, const char *key_file)
{
    if (keys && key_file) {
        setenv ("QS_CURVE_SERVER_PUBLIC_FILE", keys->server_pub, 1);
        setenv ("QS_CURVE_CLIENT_KEY_FILE", key_file, 1);
    }
    else {
        unsetenv ("QS_CURVE_SERVER_PUBLIC_FILE");
        unsetenv ("QS_CURVE_CLIENT_KEY_FILE");
    }
}

static int
s_recommendations (qs_req_t *req, void *arg)
{
    (void) arg;
    const qs_auth_t *auth = qs_req_auth (req);
    json_object *reply = json_object_new_object ();
    qs_json_add_str (reply, "org_id", auth->org_id);
    qs_json_add_str (reply, "sub", auth->sub);
    qs_json_add_bool (reply, "had_token", auth->token [0] != 0);
    json_object *list = json_object_new_array ();
    json_object *r = json_object_new_object ();
    qs_json_add_str (r, "id", "rec-1");
    qs_json_add_str (r, "service_name", "cache-1");
    qs_json_add_str (r, "type", "rightsize");
    qs_json_add_str (r, "priority", "high");
    qs_json_add_double (r, "monthly_savings", 12.5);
    qs_json_add_str (r, "description", "Move cache-1 to a smaller tier");
    json_object_array_add (list, r);
    json_object_object_add (reply, "recommendations", list);
    qs_json_add_double (reply, "total_potential_savings", 12.5);
    json_object *event = json_object_new_object ();
    qs_json_add_str (event, "reason", "test");
    qs_json_add_str (event, "token", "must-never-be-published");
    qs_events_publish (req, QS_EVENT_RECOMMENDATIONS_CHANGED, &event);
    return qs_req_reply (req, &reply);
}

static int
s_chat (qs_req_t *req, void *arg)
{
    (void) arg;
    json_object *partial = json_object_new_object ();
    qs_json_add_str (partial, "text", "thinking");
    qs_req_partial (req, "token", &partial);
    json_object *reply = json_object_new_object ();
    qs_json_add_str (reply, "message", qs_json_str (qs_req_body (req), "message", ""));
    qs_json_add_str (reply, "org_id", qs_req_auth (req)->org_id);
    return qs_req_reply (req, &reply);
}

qs_worker_t *
qs_fix_worker_start (const char *endpoint, const char *service)
{
    qs_worker_config_t config = { .endpoint = endpoint, .service = service, .threads = 1,
                                  .heartbeat_ms = 200, .liveness = 5 };
    qs_worker_t *worker = qs_worker_new (&config);
    S_REQUIRE (worker != NULL);
    S_REQUIRE ((qs_worker_add_op (worker, "recommendations", s_recommendations, NULL)) == 0);
    S_REQUIRE ((qs_worker_add_op (worker, "chat", s_chat, NULL)) == 0);
    S_REQUIRE ((qs_worker_start (worker)) == 0);
    return worker;
}

char *
qs_fix_token (const char *sub, const char *org, const char *roles)
{
    qs_cli_token_opts_t opts = { .sub = sub, .org_id = org, .roles = roles, .tier = "pro" };
    qs_err_t err;
    char *token = qs_cli_token_mint (&opts, QS_FIX_SECRET, &err);
    S_REQUIRE (token != NULL);
    return token;
}

int
qs_fix_wait_workers (const qs_fix_broker_t *fix, const qs_fix_keys_t *keys,
                     const char *service, int want, int timeout_ms)
{
    qs_curve_client_t ck;
    memset (&ck, 0, sizeof ck);
    if (keys) {
        qs_strlcpy (ck.server_public, keys->server.public_key, sizeof ck.server_public);
        ck.self = keys->gateway;
    }
    qs_client_t *client = qs_client_new_keys (fix->endpoint, keys ? &ck : NULL);
    S_REQUIRE (client != NULL);
    int count = -1;
    int64_t until = qs_mono_ms () + timeout_ms;
    while (qs_mono_ms () < until) {
        count = qs_client_discover (client, service, 200);
        if (count == want)
            break;
        usleep (20000);
    }
    qs_client_destroy (&client);
    return count;
}

/* ---- the recording proxy ---- */

#define S_MAX_PAIRS 8

struct _qs_fix_proxy_t {
    int listener;
    int target_port;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock;
    char *bytes;
    size_t len, cap;
};

static void
s_record (qs_fix_proxy_t *self, const char *data, size_t n)
{
    pthread_mutex_lock (&self->lock);
    if (self->len + n > self->cap) {
        size_t cap = (self->len + n) * 2;
        char *grown = realloc (self->bytes, cap);
        if (grown) {
            self->bytes = grown;
            self->cap = cap;
        }
    }
    if (self->len + n <= self->cap) {
        memcpy (self->bytes + self->len, data, n);
        self->len += n;
    }
    pthread_mutex_unlock (&self->lock);
}

static void *
s_proxy_loop (void *arg)
{
    qs_fix_proxy_t *self = arg;
    int fds [S_MAX_PAIRS * 2];
    int nfds = 0;
    char buf [65536];
    while (!atomic_load (&self->stop)) {
        struct pollfd pfd [1 + S_MAX_PAIRS * 2];
        pfd [0] = (struct pollfd) { .fd = self->listener, .events = POLLIN };
        for (int i = 0; i < nfds; i++)
            pfd [1 + i] = (struct pollfd) { .fd = fds [i], .events = POLLIN };
        if (poll (pfd, (nfds_t) (1 + nfds), 50) <= 0)
            continue;
        if ((pfd [0].revents & POLLIN) && nfds + 2 <= S_MAX_PAIRS * 2) {
            int in = accept (self->listener, NULL, NULL);
            int out = socket (AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) self->target_port) };
            addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
            if (in >= 0 && out >= 0 && connect (out, (struct sockaddr *) &addr, sizeof addr) == 0) {
                fds [nfds++] = in;
                fds [nfds++] = out;
            }
            else {
                if (in >= 0)
                    close (in);
                if (out >= 0)
                    close (out);
            }
        }
        for (int i = 0; i < nfds; i++) {
            if (!(pfd [1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int peer = fds [i ^ 1];
            ssize_t n = read (fds [i], buf, sizeof buf);
            if (n > 0) {
                s_record (self, buf, (size_t) n);
                if (write (peer, buf, (size_t) n) != n)
                    n = 0;
            }
            if (n <= 0) {
                /* close the pair; the last pair moves into its slot */
                int pair = i & ~1;
                close (fds [pair]);
                close (fds [pair + 1]);
                fds [pair] = fds [nfds - 2];
                fds [pair + 1] = fds [nfds - 1];
                nfds -= 2;
                break;      /* pfd indices are stale now */
            }
        }
    }
    for (int i = 0; i < nfds; i++)
        close (fds [i]);
    return NULL;
}

qs_fix_proxy_t *
qs_fix_proxy_new (int target_port, int *port_p)
{
    qs_fix_proxy_t *self = calloc (1, sizeof *self);
    S_REQUIRE (self != NULL);
    pthread_mutex_init (&self->lock, NULL);
    self->target_port = target_port;
    self->listener = socket (AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt (self->listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    S_REQUIRE ((bind (self->listener, (struct sockaddr *) &addr, sizeof addr)) == 0);
    S_REQUIRE ((listen (self->listener, 8)) == 0);
    socklen_t len = sizeof addr;
    getsockname (self->listener, (struct sockaddr *) &addr, &len);
    *port_p = ntohs (addr.sin_port);
    pthread_create (&self->thread, NULL, s_proxy_loop, self);
    return self;
}

void
qs_fix_proxy_destroy (qs_fix_proxy_t **self_p, char **bytes_p, size_t *len_p)
{
    qs_fix_proxy_t *self = *self_p;
    if (!self)
        return;
    atomic_store (&self->stop, true);
    pthread_join (self->thread, NULL);
    close (self->listener);
    pthread_mutex_destroy (&self->lock);
    if (bytes_p) {
        *bytes_p = self->bytes;
        *len_p = self->len;
    }
    else
        free (self->bytes);
    free (self);
    *self_p = NULL;
}
