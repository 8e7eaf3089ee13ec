/*  qs_zap - the broker's ZAP handler (ZeroMQ RFC 27): admits only CURVE
    public keys listed in the allowed-keys file (or directory of such files)
    and tells the broker each peer's role through the ZAP User-Id.

    Allowed-keys file: one key a line, "<role> <z85 public key> [name]",
    '#' starts a comment. Roles: worker (may register services, publish
    events, forward auth contexts of the requests it serves), client (may
    only send requests, with a bearer token), integration (requests with a
    bearer token, and may subscribe to the event stream), gateway (requests
    with an already-verified auth context). The list is read again at most
    once a second while handshakes happen, so a rotated Secret takes effect
    without a restart. */
#ifndef QS_ZAP_H
#define QS_ZAP_H

#include <czmq.h>
#include <stdbool.h>
#include "qs_err.h"

#define QS_ZAP_DOMAIN_BUS    "quickspin-bus"
#define QS_ZAP_DOMAIN_EVENTS "quickspin-events"

typedef struct _qs_zap_t qs_zap_t;

/*  Load keys_path (a file or a directory of files) and start the handler
    thread on the process's ZAP endpoint. One per process (libzmq has one ZAP
    endpoint per context). NULL with err when the list cannot be read or
    holds a bad line, or another ZAP handler runs. */
qs_zap_t *qs_zap_new (const char *keys_path, qs_err_t *err);

/*  Stop the thread and free; accepts NULL, nulls the pointer. */
void qs_zap_destroy (qs_zap_t **self_p);

/* ---- pure helpers (no sockets), for the handler and the tests ---- */

/*  Parse an allowed-keys file or directory into a new hash z85 -> role
    (strings, autofree). NULL with err (the line number, never the key). */
zhash_t *qs_zap_keys_load (const char *path, qs_err_t *err);

/*  The role a handshake gets: the key's role when it is listed and the role
    may use that domain (events: integration only), else NULL. Lent. */
const char *qs_zap_admit (zhash_t *keys, const char *domain, const char *z85_public);

/*  True for "worker", "client", "integration", "gateway". */
bool qs_zap_role_valid (const char *role);

/*  The role of the peer that sent frame (its ZAP User-Id), or NULL on a
    plain connection. Lent (valid while the frame lives). */
const char *qs_zap_frame_role (zframe_t *frame);

#endif
