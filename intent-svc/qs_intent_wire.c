/*  qs_intent_wire - see qs_intent_wire.h */
#include "qs_intent_wire.h"
#include <string.h>

const char *const qs_intent_wire_followups[] = { "none", "edit_plan", "answer", "subject",
                                                 "what_about", "list_ref", "confirm", "cancel",
                                                 NULL };
const char *const qs_intent_wire_matches[] = { "id", "name", "fuzzy", "type", "pronoun", "other",
                                               "ordinal", "list_name", NULL };
/*  In the order of qs_intent_op_kind_t, from QS_INTENT_OP_SCALE. */
const char *const qs_intent_wire_ops[] = { "scale", "tier", "ha", "backups", "restart",
                                           "delete", NULL };
const char *const qs_intent_wire_tiers[] = { "nano", "micro", "small", "medium", "large",
                                             "xlarge", NULL };

int
qs_intent_wire_find (const char *const *list, const char *value)
{
    for (int i = 0; value && list[i]; i++)
        if (strcmp (list[i], value) == 0)
            return i;
    return -1;
}
