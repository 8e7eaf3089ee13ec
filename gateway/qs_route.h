/*  qs_route - the gateway's route table: (method, path pattern) ->
    (service, op, required role, body rules). The one place where the public
    REST API of contract section 4 meets the bus. Pure data and matching, no
    sockets, so it is unit-tested directly. */
#ifndef QS_ROUTE_H
#define QS_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"

typedef enum {
    QS_ROUTE_BUS = 0,           /* dispatched through the broker */
    QS_ROUTE_HEALTH,            /* liveness, no I/O, no token */
    QS_ROUTE_READY,             /* readiness checks, no token */
    QS_ROUTE_METRICS,           /* Prometheus text, no token */
} qs_route_kind_t;

typedef struct {
    const char *method;         /* "GET", "POST", "DELETE" */
    const char *pattern;        /* "/api/v1/chat/conversations/{id}"; also the metrics label */
    qs_route_kind_t kind;
    const char *service;        /* bus service, QS_ROUTE_BUS only; NULL = the {service}
                                   path parameter (one of qs_route_services) */
    const char *op;             /* bus op */
    unsigned role;              /* QS_ROLE_* bit required (viewer = any caller) */
    bool has_body;              /* POST: a JSON object body (415/413/400 rules) */
    bool chat;                  /* validate as a chat request */
    bool stream;                /* answer as server-sent events */
} qs_route_t;

#define QS_ROUTE_MAX_PARAMS 2

typedef struct {
    char name[16];              /* "id", "action_id" */
    char value[129];            /* decoded segment */
} qs_route_param_t;

typedef struct {
    const qs_route_t *route;    /* lent, from the static table */
    size_t nparams;
    qs_route_param_t params[QS_ROUTE_MAX_PARAMS];
} qs_route_match_t;

/*  Find the route for method and path (already percent-decoded, no query).
    Returns 0 with *match filled; -1 with err 404 (no pattern matches, or a
    path parameter is not a plausible id) or 405 (the path exists for other
    methods; then allow, when given, receives "GET, DELETE"-style text). */
int qs_route_find (const char *method, const char *path, qs_route_match_t *match,
                   char *allow, size_t allow_size, qs_err_t *err);

/*  The bus service a matched route goes to (its own, or its {service}
    parameter). Lent. */
const char *qs_route_service (const qs_route_match_t *match);

/*  The services of the product, NULL-terminated (readiness, ping). Lent. */
const char *const *qs_route_services (void);

/*  The whole table (for docs and tests): *count entries. Lent. */
const qs_route_t *qs_route_table (size_t *count);

/*  True when a caller with roles (QS_ROLE_* bits) may use route: viewer
    routes admit everyone, member routes member or admin, admin routes admin. */
bool qs_route_allows (const qs_route_t *route, unsigned roles);

#endif
