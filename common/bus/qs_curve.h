/*  qs_curve - CURVE key material and socket setup for the bus (proto/client.md,
    "Security"). Keys are z85 text (40 characters). A key file holds lines
    "public <z85>" and "secret <z85>" (what `quickspin keygen` writes); a
    public-only file holds "public <z85>" or just the bare z85 key. Pure
    helpers: no threads, no globals. */
#ifndef QS_CURVE_H
#define QS_CURVE_H

#include <czmq.h>
#include <stdbool.h>
#include "qs_err.h"

#define QS_CURVE_KEY_LEN 40          /* z85 of 32 bytes */

typedef struct {
    char public_key[QS_CURVE_KEY_LEN + 1];
    char secret_key[QS_CURVE_KEY_LEN + 1];   /* "" when only the public key is known */
} qs_curve_keypair_t;

/*  What a connecting peer (client, worker, gateway, integration) needs. */
typedef struct qs_curve_client_s {
    char server_public[QS_CURVE_KEY_LEN + 1];  /* the broker's public key */
    qs_curve_keypair_t self;                   /* our own pair */
} qs_curve_client_t;

/*  A fresh key pair. 0, or -1 with err (libzmq built without CURVE). */
int qs_curve_keypair_new (qs_curve_keypair_t *kp, qs_err_t *err);

/*  Read a key file. need_secret: the file must hold the secret key too (the
    public key is derived from it when absent). 0, or -1 with err (a message
    that never holds key material). */
int qs_curve_keypair_load (const char *path, bool need_secret, qs_curve_keypair_t *kp,
                           qs_err_t *err);

/*  Write pair as "<base>.key" (public + secret, mode 0600) and "<base>.pub"
    (public only, 0644). 0, or -1 with err. */
int qs_curve_keypair_save (const qs_curve_keypair_t *kp, const char *base, qs_err_t *err);

/*  True for 40 characters of the z85 alphabet that decode to 32 bytes. */
bool qs_curve_key_valid (const char *z85);

/*  Client keys from QS_CURVE_SERVER_PUBLIC_FILE and QS_CURVE_CLIENT_KEY_FILE.
    Returns 1 when both are set and loaded, 0 when neither is set (plain
    TCP), -1 with err when only one is set or a file is unusable. */
int qs_curve_client_from_env (qs_curve_client_t *keys, qs_err_t *err);

/*  Make sock a CURVE client with keys (must be called before connect).
    keys NULL = from the environment as above; no keys = left plain.
    0, or -1 with err (a bad key file). */
int qs_curve_apply_client (zsock_t *sock, const qs_curve_client_t *keys, qs_err_t *err);

/*  Make sock a CURVE server (before bind) in ZAP domain `domain`. */
void qs_curve_apply_server (zsock_t *sock, const char *server_secret, const char *domain);

/*  True when a bind endpoint stays on this machine: ipc://, inproc://,
    tcp on 127.0.0.0/8, [::1] or localhost. "*" and other addresses are not. */
bool qs_curve_endpoint_local (const char *endpoint);

/*  Wipe a key pair from memory. */
void qs_curve_keypair_wipe (qs_curve_keypair_t *kp);

#endif
