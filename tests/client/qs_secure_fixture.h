/*  qs_secure_fixture - what the client and security tests share: a set of
    CURVE keys with roles on disk, an in-process CURVE broker with the event
    stream and the gateway's JWT verifier, a test "workflow" worker, dev
    tokens, and a loopback TCP proxy that records every byte it forwards
    (the "capture" of the encryption test). */
#ifndef QS_SECURE_FIXTURE_H
#define QS_SECURE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_broker.h"
#include "qs_curve.h"
#include "qs_jwt.h"
#include "qs_worker.h"

#define QS_FIX_SECRET "fixture-jwt-secret-0123456789abcdefghij"

typedef struct {
    char dir[256];
    qs_curve_keypair_t server, worker, client, integration, gateway, stranger;
    char keys_file[320];        /* allowed keys with roles (stranger is not listed) */
    char server_pub[320];       /* public-only file of the broker's key */
    char worker_key[320], client_key[320], integration_key[320], gateway_key[320];
} qs_fix_keys_t;

/*  Make the keys and files in a fresh temp dir. */
void qs_fix_keys_make (qs_fix_keys_t *keys);
/*  Remove the files. */
void qs_fix_keys_remove (qs_fix_keys_t *keys);

typedef struct {
    qs_broker_t *broker;
    qs_jwt_t *jwt;
    char endpoint[128];         /* the bus */
    char events[128];           /* the event stream */
} qs_fix_broker_t;

/*  An in-process broker on loopback: CURVE + ZAP when keys is not NULL,
    plain otherwise; event stream and JWT verification on. */
void qs_fix_broker_start (qs_fix_broker_t *fix, const qs_fix_keys_t *keys);
void qs_fix_broker_stop (qs_fix_broker_t *fix);

/*  Point this process's peers (workers, their nested clients) at a key:
    sets or clears QS_CURVE_SERVER_PUBLIC_FILE / QS_CURVE_CLIENT_KEY_FILE. */
void qs_fix_env_keys (const qs_fix_keys_t *keys, const char *key_file);

/*  A "workflow" worker: recommendations (reply {"org_id","sub",
    "recommendations":[1 item],"total_potential_savings"} and publish
    recommendations.changed), chat (a "token" partial, then echo). */
qs_worker_t *qs_fix_worker_start (const char *endpoint, const char *service);

/*  A dev token for org with roles (comma list). Caller frees. */
char *qs_fix_token (const char *sub, const char *org, const char *roles);

/*  Connect a client (gateway key, qs_client) and wait until service has n
    workers or timeout_ms passes: the count seen. */
int qs_fix_wait_workers (const qs_fix_broker_t *fix, const qs_fix_keys_t *keys,
                         const char *service, int want, int timeout_ms);

typedef struct _qs_fix_proxy_t qs_fix_proxy_t;
/*  Listen on 127.0.0.1 (port in *port_p) and forward every connection to
    127.0.0.1:target_port, recording the bytes both ways. */
qs_fix_proxy_t *qs_fix_proxy_new (int target_port, int *port_p);
/*  Stop, and hand the recorded bytes to *bytes_p (caller frees). */
void qs_fix_proxy_destroy (qs_fix_proxy_t **self_p, char **bytes_p, size_t *len_p);

#endif
