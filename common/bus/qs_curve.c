/*  qs_curve - see qs_curve.h */
#include "qs_curve.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_env.h"
#include "qs_util.h"

bool
qs_curve_key_valid (const char *z85)
{
    if (!z85 || strlen (z85) != QS_CURVE_KEY_LEN)
        return false;
    uint8_t raw [32];
    return zmq_z85_decode (raw, z85) != NULL;
}

void
qs_curve_keypair_wipe (qs_curve_keypair_t *kp)
{
    if (kp)
        explicit_bzero (kp, sizeof *kp);
}

int
qs_curve_keypair_new (qs_curve_keypair_t *kp, qs_err_t *err)
{
    memset (kp, 0, sizeof *kp);
    if (!zsys_has_curve () || zmq_curve_keypair (kp->public_key, kp->secret_key) != 0)
        return qs_err_set (err, 500, "internal", "this libzmq has no CURVE support");
    return 0;
}

/*  One "word value" line of a key file: copies a 40-character value. */
static void
s_take (const char *value, char *out)
{
    size_t len = strcspn (value, " \t\r\n");
    if (len == QS_CURVE_KEY_LEN) {
        memcpy (out, value, len);
        out [len] = 0;
    }
}

int
qs_curve_keypair_load (const char *path, bool need_secret, qs_curve_keypair_t *kp, qs_err_t *err)
{
    memset (kp, 0, sizeof *kp);
    FILE *file = path ? fopen (path, "r") : NULL;
    if (!file)
        return qs_err_set (err, 500, "bad_key_file", "cannot read key file %s", path ? path : "(none)");
    char line [256];
    while (fgets (line, sizeof line, file)) {
        char *p = line + strspn (line, " \t");
        /*  "public <z85>": blanks only between, as '=' and '#' are z85 characters */
        if (!strncmp (p, "public", 6) && (p [6] == ' ' || p [6] == '\t'))
            s_take (p + 6 + strspn (p + 6, " \t"), kp->public_key);
        else
        if (!strncmp (p, "secret", 6) && (p [6] == ' ' || p [6] == '\t'))
            s_take (p + 6 + strspn (p + 6, " \t"), kp->secret_key);
        else
        if (!kp->public_key [0])
            s_take (p, kp->public_key);     /* a bare key (a public-only file); comments
                                               never have the length of a key */
    }
    explicit_bzero (line, sizeof line);
    fclose (file);
    if (kp->secret_key [0] && !qs_curve_key_valid (kp->secret_key)) {
        qs_curve_keypair_wipe (kp);
        return qs_err_set (err, 500, "bad_key_file", "key file %s: the secret key is not z85", path);
    }
    if (kp->secret_key [0] && !kp->public_key [0]
    &&  zmq_curve_public (kp->public_key, kp->secret_key) != 0) {
        qs_curve_keypair_wipe (kp);
        return qs_err_set (err, 500, "bad_key_file", "key file %s: cannot derive the public key", path);
    }
    if (!qs_curve_key_valid (kp->public_key) || (need_secret && !kp->secret_key [0])) {
        qs_curve_keypair_wipe (kp);
        return qs_err_set (err, 500, "bad_key_file", "key file %s: %s", path,
                           need_secret ? "needs a public and a secret key" : "holds no public key");
    }
    return 0;
}

static int
s_write (const char *path, int mode, const char *text, qs_err_t *err)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return qs_err_set (err, 500, "io_error", "cannot write %s: %s", path, strerror (errno));
    size_t len = strlen (text);
    bool ok = write (fd, text, len) == (ssize_t) len;
    ok = fchmod (fd, (mode_t) mode) == 0 && ok;
    ok = close (fd) == 0 && ok;
    return ok ? 0 : qs_err_set (err, 500, "io_error", "cannot write %s", path);
}

int
qs_curve_keypair_save (const qs_curve_keypair_t *kp, const char *base, qs_err_t *err)
{
    char path [1024];
    char text [256];
    int rc = -1;
    snprintf (text, sizeof text, "# quickspin CURVE key pair: keep this file secret\n"
              "public %s\nsecret %s\n", kp->public_key, kp->secret_key);
    if (snprintf (path, sizeof path, "%s.key", base) >= (int) sizeof path)
        goto cleanup;
    if (s_write (path, 0600, text, err) != 0)
        goto cleanup;
    snprintf (text, sizeof text, "public %s\n", kp->public_key);
    snprintf (path, sizeof path, "%s.pub", base);
    rc = s_write (path, 0644, text, err);
cleanup:
    explicit_bzero (text, sizeof text);
    if (rc != 0 && err && !err->status)
        qs_err_set (err, 500, "io_error", "path too long");
    return rc;
}

int
qs_curve_client_from_env (qs_curve_client_t *keys, qs_err_t *err)
{
    memset (keys, 0, sizeof *keys);
    const char *server = qs_env_str ("QS_CURVE_SERVER_PUBLIC_FILE", NULL);
    const char *own = qs_env_str ("QS_CURVE_CLIENT_KEY_FILE", NULL);
    if (!server && !own)
        return 0;
    if (!server || !own)
        return qs_err_set (err, 500, "bad_config",
                           "set both QS_CURVE_SERVER_PUBLIC_FILE and QS_CURVE_CLIENT_KEY_FILE");
    qs_curve_keypair_t server_kp;
    if (qs_curve_keypair_load (server, false, &server_kp, err) != 0)
        return -1;
    qs_strlcpy (keys->server_public, server_kp.public_key, sizeof keys->server_public);
    qs_curve_keypair_wipe (&server_kp);     /* a server secret must never sit on a peer */
    if (qs_curve_keypair_load (own, true, &keys->self, err) != 0)
        return -1;
    return 1;
}

int
qs_curve_apply_client (zsock_t *sock, const qs_curve_client_t *keys, qs_err_t *err)
{
    qs_curve_client_t env_keys;
    int rc = 0;
    if (!keys) {
        rc = qs_curve_client_from_env (&env_keys, err);
        if (rc <= 0)
            return rc;
        keys = &env_keys;
    }
    if (keys->server_public [0]) {
        zsock_set_curve_serverkey (sock, keys->server_public);
        zsock_set_curve_publickey (sock, keys->self.public_key);
        zsock_set_curve_secretkey (sock, keys->self.secret_key);
    }
    if (keys == &env_keys)
        explicit_bzero (&env_keys, sizeof env_keys);
    return 0;
}

void
qs_curve_apply_server (zsock_t *sock, const char *server_secret, const char *domain)
{
    zsock_set_zap_domain (sock, domain);
    zsock_set_curve_server (sock, 1);
    zsock_set_curve_secretkey (sock, server_secret);
}

bool
qs_curve_endpoint_local (const char *endpoint)
{
    if (!endpoint)
        return false;
    if (!strncmp (endpoint, "ipc://", 6) || !strncmp (endpoint, "inproc://", 9))
        return true;
    if (strncmp (endpoint, "tcp://", 6))
        return false;
    const char *host = endpoint + 6;
    char name [256];
    size_t len;
    if (*host == '[') {
        host++;
        len = strcspn (host, "]");
    }
    else
        len = strcspn (host, ":");
    if (len == 0 || len >= sizeof name)
        return false;
    memcpy (name, host, len);
    name [len] = 0;
    return !strncmp (name, "127.", 4) || !strcmp (name, "::1") || !strcmp (name, "localhost");
}
