/*  qs_zap - see qs_zap.h */
#include "qs_zap.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "qs_curve.h"
#include "qs_log.h"
#include "qs_util.h"

#define QS_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define QS_ZAP_RELOAD_MS 1000

struct _qs_zap_t {
    zactor_t *actor;
    char *path;
};

bool
qs_zap_role_valid (const char *role)
{
    return role && (streq (role, "worker") || streq (role, "client")
                ||  streq (role, "integration") || streq (role, "gateway"));
}

static int
s_load_file (zhash_t *keys, const char *path, qs_err_t *err)
{
    FILE *file = fopen (path, "r");
    if (!file)
        return qs_err_set (err, 500, "bad_key_list", "cannot read allowed keys %s", path);
    char line [512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets (line, sizeof line, file)) {
        lineno++;
        char role [32] = "", key [64] = "";
        /*  '#' is a z85 character: a comment starts a line or follows a blank */
        for (char *p = line; *p; p++)
            if (*p == '#' && (p == line || p [-1] == ' ' || p [-1] == '\t')) {
                *p = 0;
                break;
            }
        int n = sscanf (line, "%31s %63s", role, key);
        if (n <= 0)
            continue;
        if (n != 2 || !qs_zap_role_valid (role) || !qs_curve_key_valid (key))
            rc = qs_err_set (err, 500, "bad_key_list",
                             "%s line %d: want \"<worker|client|integration|gateway> <z85 key> [name]\"",
                             path, lineno);
        else {
            zhash_delete (keys, key);
            zhash_insert (keys, key, role);     /* autofree: the hash copies it */
        }
    }
    fclose (file);
    return rc;
}

zhash_t *
qs_zap_keys_load (const char *path, qs_err_t *err)
{
    struct stat st;
    if (!path || stat (path, &st) != 0) {
        qs_err_set (err, 500, "bad_key_list", "cannot read allowed keys %s", path ? path : "(unset)");
        return NULL;
    }
    zhash_t *keys = zhash_new ();
    zhash_autofree (keys);
    int rc = 0;
    if (S_ISDIR (st.st_mode)) {
        DIR *dir = opendir (path);
        struct dirent *entry;
        while (dir && rc == 0 && (entry = readdir (dir))) {
            if (entry->d_name [0] == '.')
                continue;           /* also Kubernetes' ..data links */
            char file [1024];
            snprintf (file, sizeof file, "%s/%s", path, entry->d_name);
            if (stat (file, &st) == 0 && S_ISREG (st.st_mode))
                rc = s_load_file (keys, file, err);
        }
        if (dir)
            closedir (dir);
        else
            rc = qs_err_set (err, 500, "bad_key_list", "cannot list %s", path);
    }
    else
        rc = s_load_file (keys, path, err);
    if (rc != 0)
        zhash_destroy (&keys);
    return keys;
}

const char *
qs_zap_admit (zhash_t *keys, const char *domain, const char *z85_public)
{
    const char *role = keys && z85_public ? (const char *) zhash_lookup (keys, z85_public) : NULL;
    if (!role || !domain)
        return NULL;
    if (streq (domain, QS_ZAP_DOMAIN_EVENTS))
        return streq (role, "integration") ? role : NULL;
    return streq (domain, QS_ZAP_DOMAIN_BUS) ? role : NULL;
}

const char *
qs_zap_frame_role (zframe_t *frame)
{
    if (!frame)
        return NULL;
    const char *user = zframe_meta (frame, "User-Id");
    return user && *user ? user : NULL;
}

/* ---- the handler thread ---- */

static void
s_answer (zsock_t *handler, zmsg_t *request, zhash_t *keys)
{
    /* version, request id, domain, address, routing id, mechanism, credentials */
    char *version = zmsg_popstr (request);
    char *request_id = zmsg_popstr (request);
    char *domain = zmsg_popstr (request);
    char *address = zmsg_popstr (request);
    char *routing = zmsg_popstr (request);
    char *mechanism = zmsg_popstr (request);
    zframe_t *credentials = zmsg_pop (request);
    const char *role = NULL;
    char z85 [QS_CURVE_KEY_LEN + 1] = "";
    if (version && streq (version, "1.0") && mechanism && streq (mechanism, "CURVE")
    &&  credentials && zframe_size (credentials) == 32) {
        zmq_z85_encode (z85, zframe_data (credentials), 32);
        role = qs_zap_admit (keys, domain, z85);
    }
    if (!role)
        qs_warn (NULL, "zap: refused a %s handshake from %s on %s: key %.8s... is not allowed",
                 mechanism ? mechanism : "?", address ? address : "?", domain ? domain : "?",
                 z85 [0] ? z85 : "(none)");
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "1.0");
    zmsg_addstr (reply, request_id ? request_id : "");
    zmsg_addstr (reply, role ? "200" : "400");
    zmsg_addstr (reply, role ? "OK" : "key not allowed");
    zmsg_addstr (reply, role ? role : "");
    zmsg_addmem (reply, NULL, 0);           /* no metadata */
    zmsg_send (&reply, handler);
    zstr_free (&version);
    zstr_free (&request_id);
    zstr_free (&domain);
    zstr_free (&address);
    zstr_free (&routing);
    zstr_free (&mechanism);
    zframe_destroy (&credentials);
}

static void
s_zap_actor (zsock_t *pipe, void *args)
{
    qs_zap_t *owner = (qs_zap_t *) args;
    qs_err_t err;
    zhash_t *keys = qs_zap_keys_load (owner->path, &err);
    zsock_t *handler = zsock_new (ZMQ_REP);
    zsock_signal (pipe, 0);             /* taken by zactor_new */
    /*  a handler this process just closed frees the endpoint a moment
        later (libzmq closes sockets asynchronously): retry briefly */
    int bound = -1;
    for (int attempt = 0; keys && handler && bound != 0 && attempt < 50; attempt++) {
        bound = zsock_bind (handler, QS_ZAP_ENDPOINT);
        if (bound != 0)
            zclock_sleep (20);
    }
    if (!keys || !handler || bound != 0) {
        qs_error (NULL, "zap: %s", keys ? "another ZAP handler runs in this process" : err.message);
        zstr_send (pipe, "fail");
        /* wait for $TERM from qs_zap_destroy */
        char *command = zstr_recv (pipe);
        zstr_free (&command);
        goto cleanup;
    }
    zstr_send (pipe, "ok");
    int64_t loaded_at = qs_mono_ms ();
    zpoller_t *poller = zpoller_new (pipe, handler, NULL);
    while (true) {
        void *which = zpoller_wait (poller, -1);
        if (which == pipe || !which)
            break;              /* $TERM, or interrupted */
        zmsg_t *request = zmsg_recv (handler);
        if (!request)
            continue;
        if (qs_mono_ms () - loaded_at > QS_ZAP_RELOAD_MS) {
            zhash_t *fresh = qs_zap_keys_load (owner->path, &err);
            if (fresh) {
                zhash_destroy (&keys);
                keys = fresh;
            }
            else
                qs_warn (NULL, "zap: keeping the previous key list: %s", err.message);
            loaded_at = qs_mono_ms ();
        }
        s_answer (handler, request, keys);
        zmsg_destroy (&request);
    }
    zpoller_destroy (&poller);
cleanup:
    zsock_destroy (&handler);
    zhash_destroy (&keys);
}

qs_zap_t *
qs_zap_new (const char *keys_path, qs_err_t *err)
{
    zhash_t *probe = qs_zap_keys_load (keys_path, err);
    if (!probe)
        return NULL;
    zhash_destroy (&probe);
    qs_zap_t *self = (qs_zap_t *) calloc (1, sizeof *self);
    if (!self || !(self->path = strdup (keys_path)))
        goto failed;
    self->actor = zactor_new (s_zap_actor, self);
    if (!self->actor)
        goto failed;
    char *status = zstr_recv (self->actor);
    bool ok = status && streq (status, "ok");
    zstr_free (&status);
    if (!ok) {
        qs_err_set (err, 500, "zap", "cannot start the ZAP handler (another one runs?)");
        goto failed;
    }
    return self;
failed:
    if (err && !err->status)
        qs_err_set (err, 500, "internal", "out of memory");
    qs_zap_destroy (&self);
    return NULL;
}

void
qs_zap_destroy (qs_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_zap_t *self = *self_p;
    zactor_destroy (&self->actor);
    free (self->path);
    free (self);
    *self_p = NULL;
}
