/*  qs_route - the gateway's router: (method, path) -> the row of the table
    of operations (proto/qs_ops.h) with its path parameters. The table is
    the one place where the public REST API of contract section 4 meets the
    bus; this module only matches paths. No sockets, unit-tested directly. */
#ifndef QS_ROUTE_H
#define QS_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"
#include "qs_ops.h"

//  A route is a row of the table of operations that has an HTTP path
typedef qs_ops_row_t qs_route_t;
#define QS_ROUTE_BUS     QS_OP_BUS
#define QS_ROUTE_HEALTH  QS_OP_HEALTH
#define QS_ROUTE_READY   QS_OP_READY
#define QS_ROUTE_METRICS QS_OP_METRICS

#define QS_ROUTE_MAX_PARAMS 2

typedef struct {
    char name[16];              /* "id", "action_id" */
    char value[129];            /* decoded segment */
} qs_route_param_t;

typedef struct {
    const qs_route_t *route;    /* lent, a row of the static table */
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

/*  The rows with an HTTP route (for docs and tests): *count entries. Lent. */
const qs_route_t *qs_route_table (size_t *count);

/*  True when a caller with roles (QS_ROLE_* bits) may use route
    (qs_ops_allows). */
bool qs_route_allows (const qs_route_t *route, unsigned roles);

#endif
