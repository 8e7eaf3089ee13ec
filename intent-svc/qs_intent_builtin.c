/*  qs_intent_builtin - the model trained at build time. The generated
    qs_intent_model_table.c (from intent-train) defines the three symbols. */
#include "qs_intent_model.h"

extern const qs_intent_weight_row_t qs_intent_model_rows[];
extern const size_t qs_intent_model_nrows;
extern const float qs_intent_model_bias[QS_INTENT_COUNT];

qs_intent_model_t *
qs_intent_model_new_builtin (void)
{
    return qs_intent_model_new_lent_rows (qs_intent_model_rows, qs_intent_model_nrows,
                                          qs_intent_model_bias);
}
