/*  qs_urlguard - may the suite POST to this webhook URL? (contract section
    11, notifications). An organisation's admin chooses the URL, so without
    a guard it would reach whatever the worker's network reaches (the
    platform API, the cloud's metadata service, the database).

    Only http/https with a host part and no user info; every address the
    host resolves to must be public: loopback, link-local, private (RFC
    1918, CGNAT, IPv6 unique-local), multicast, unspecified, documentation
    and IPv4-mapped forms of those are refused - unless the operator lists
    the host in QS_NOTIFY_ALLOW_HOSTS. The caller then connects to the
    checked address only (libcurl CURLOPT_RESOLVE), so a second DNS answer
    cannot swap in a private one. */
#ifndef QS_URLGUARD_H
#define QS_URLGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"

#define QS_URLGUARD_URL_MAX 2048

typedef struct {
    char scheme[8];          /* "http" or "https" */
    char host[256];          /* as written, lower-case, no brackets */
    int port;                /* explicit or the scheme's */
    char address[64];        /* the checked numeric address to connect to */
    bool allowed_by_list;    /* QS_NOTIFY_ALLOW_HOSTS named it */
} qs_urlguard_target_t;

/*  Check url against the rules above. allow_hosts: comma-separated host
    names (lent, may be NULL or ""; compared case-insensitively). Fills
    *target and returns 0; -1 with err: 422 "webhook_not_allowed" (a
    refused scheme, host or address, or a host that does not resolve). */
int qs_urlguard_check (const char *url, const char *allow_hosts, qs_urlguard_target_t *target,
                       qs_err_t *err);

/*  Whether a numeric address (IPv4 or IPv6 text) is one we refuse. An
    unparsable text counts as refused. */
bool qs_urlguard_address_blocked (const char *address);

#endif
