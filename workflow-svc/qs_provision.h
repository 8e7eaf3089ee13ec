/*  qs_provision - the provision workflow (seed: Provision Workflow):

      pricing -> extract -> defaults -> validate -> estimate
              -> (ok? confirm [interrupt] -> execute) -> report

    Nothing is provisioned before the user confirms; the POST carries an
    Idempotency-Key fixed when the plan is made, so a resumed or repeated
    execute never creates a second service. */
#ifndef QS_PROVISION_H
#define QS_PROVISION_H

#include "qs_graph.h"
#include "qs_wf.h"

/*  The graph (lent, static). State in: {"message","context"?,"prior_config"?};
    out: {"config","missing","defaults","validation","estimate","action"?,
    "decision"?,"service"?,"error"?}. */
const qs_graph_def_t *qs_provision_graph (void);

/*  Fill the defaults of a ServiceConfig in place (pure; exposed for tests):
    names the fields it filled in `filled` (an array, lent). */
void qs_provision_defaults (json_object *config, json_object *filled);

/*  Validate config against the caller's role, the plan's quotas and sane
    values (pure). Returns a new {"ok":bool,"problems":[str]} (caller puts).
    existing: the org's services (array, may be NULL) for name clashes. */
json_object *qs_provision_validate (json_object *config, const qs_auth_t *auth,
                                    json_object *quotas, json_object *pricing,
                                    json_object *existing);

#endif
