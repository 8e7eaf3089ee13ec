/*  qs_catalog - questions about what the platform offers rather than about
    a service: "what's the difference between small and medium?", "which
    tiers are there?", "how much memory does large have?". Answered from
    the platform's pricing (GET /api/v1/pricing, contract section 5), never
    read as a change: a tier named in such a question edits no plan. Pure. */
#ifndef QS_CATALOG_H
#define QS_CATALOG_H

#include <json-c/json.h>
#include <stdbool.h>

/*  True when message asks about the tiers themselves: a comparison or a
    question word about tiers or their size ("difference", "compare", "vs",
    "which tiers", "how much memory", "specs"). */
bool qs_catalog_asked (const char *message);

/*  The answer (caller frees; NULL on allocation failure): every tier of
    pricing (lent) with its memory, vCPU and prices, the tiers the message
    names in bold; for two of them, how they compare. plan_tier (may be
    NULL or ""): the tier of a plan waiting for confirmation, to say how to
    change it. */
char *qs_catalog_tiers (json_object *pricing, const char *message, const char *plan_tier);

#endif
