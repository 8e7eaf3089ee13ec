/*  qs_sbx_seed - the sandbox's seeded tenants and scenarios (see README.md
    for the table). All timestamps are relative to now_ms. */
#ifndef QS_SBX_SEED_H
#define QS_SBX_SEED_H

#include "qs_sbx_world.h"

#define QS_SBX_ORG_FREE       "org-hobby"
#define QS_SBX_ORG_PRO        "org-acme"
#define QS_SBX_ORG_ENTERPRISE "org-globex"

/*  Add the seeded orgs and services to an empty world (locked by the
    caller). Returns 0 or -1 on allocation failure. */
int qs_sbx_seed_apply (qs_sbx_world_t *world, int64_t now_ms);

/*  The Kubernetes namespace of an org's services: "qs-" + the org id
    without its "org-" prefix, lower-cased, other characters as '-'. */
void qs_sbx_seed_namespace (const char *org_id, char *out, size_t size);

#endif
