/*  qs_flows - the table of flows (see qs_flows.h). */
#include "qs_flows.h"
#include <string.h>

static const qs_flow_t *const s_flows[] = {
    &qs_flow_provision, &qs_flow_info, &qs_flow_connection, &qs_flow_diagnose,
    &qs_flow_optimize,  &qs_flow_manage, &qs_flow_general,
};
#define NFLOWS (sizeof s_flows / sizeof s_flows[0])

const qs_flow_t *
qs_flow_for_intent (const char *intent)
{
    for (size_t i = 0; intent && i < NFLOWS; i++)
        if (!strcmp (s_flows[i]->intent, intent))
            return s_flows[i];
    return &qs_flow_general;
}

const qs_flow_t *
qs_flow_for_workflow (const char *workflow)
{
    for (size_t i = 0; workflow && i < NFLOWS; i++)
        if (s_flows[i]->graph && !strcmp (s_flows[i]->workflow, workflow))
            return s_flows[i];
    return NULL;
}
