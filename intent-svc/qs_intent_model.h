/*  qs_intent_model - the local intent classifier: a multinomial logistic
    regression over hashed features (word unigrams, word bigrams and
    character 3/4-grams of every word, which absorb typos and inflections).

    The model is trained at build time by intent-train (train_intent.c) from
    intent-svc/data/train.tsv and compiled into the binary as a generated C
    table (qs_intent_model_new_builtin, in qs_intent_builtin.c). Prediction
    is read-only, so one model may be shared by any number of threads. */
#ifndef QS_INTENT_MODEL_H
#define QS_INTENT_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "qs_intent_text.h"

/*  The seven intents of the contract (section 4; manage_service, section 9),
    in a fixed order. */
typedef enum {
    QS_INTENT_PROVISION = 0,
    QS_INTENT_SERVICE_INFO,
    QS_INTENT_TROUBLESHOOT,
    QS_INTENT_OPTIMIZE,
    QS_INTENT_CONNECTION,
    QS_INTENT_GENERAL,
    QS_INTENT_MANAGE,
    QS_INTENT_COUNT
} qs_intent_t;

#define QS_INTENT_FEATURE_BITS 18
#define QS_INTENT_FEATURE_DIM  (1u << QS_INTENT_FEATURE_BITS)
#define QS_INTENT_MAX_FEATURES 4096

/*  The contract's name of an intent ("provision_service", ...). Lent. */
const char *qs_intent_name (int intent);
/*  The intent of a name, or -1. */
int qs_intent_from_name (const char *name);

typedef struct {
    uint32_t bucket;
    float value;
} qs_intent_feat_t;

/*  Hashed, L2-normalised features of a tokenized message into out (cap
    entries). Returns the number written. */
int qs_intent_features (const qs_intent_tokens_t *toks, qs_intent_feat_t *out, int cap);

typedef struct _qs_intent_model_t qs_intent_model_t;

/*  One stored weight row, as the generated table holds them. */
typedef struct {
    uint32_t bucket;
    float w[QS_INTENT_COUNT];
} qs_intent_weight_row_t;

/*  An all-zero model (for training). NULL on allocation failure. */
qs_intent_model_t *qs_intent_model_new (void);
/*  A model from rows (lent, copied) and biases. NULL on failure. */
qs_intent_model_t *qs_intent_model_new_from_rows (const qs_intent_weight_row_t *rows, size_t nrows,
                                                  const float bias[QS_INTENT_COUNT]);
/*  A model reading rows in place (lent: they must outlive it; sorted by
    bucket, else copied). NULL on failure. */
qs_intent_model_t *qs_intent_model_new_lent_rows (const qs_intent_weight_row_t *rows, size_t nrows,
                                                  const float bias[QS_INTENT_COUNT]);
/*  The model compiled from train.tsv at build time (qs_intent_builtin.c). */
qs_intent_model_t *qs_intent_model_new_builtin (void);
void qs_intent_model_destroy (qs_intent_model_t **self_p);

/*  Raw class scores (logits) for a tokenized message. */
void qs_intent_model_logits (const qs_intent_model_t *self, const qs_intent_tokens_t *toks,
                             float logits[QS_INTENT_COUNT]);

/*  A labelled example for training: its features (lent) and intent. */
typedef struct {
    qs_intent_feat_t *feats;
    int nfeats;
    int label;
} qs_intent_example_t;

/*  Train a model from qs_intent_model_new with AdaGrad on the softmax loss
    for epochs passes, shuffling with a fixed seed so builds are
    reproducible. 0 or -1 (allocation, or a model made from rows). */
int qs_intent_model_train (qs_intent_model_t *self, const qs_intent_example_t *examples,
                           size_t n, int epochs, float rate, float l2);

/*  Write a trained model as C source defining qs_intent_model_rows (sorted
    by bucket), qs_intent_model_nrows and qs_intent_model_bias. 0 or -1. */
int qs_intent_model_write_c (const qs_intent_model_t *self, FILE *out);

/*  Softmax of logits into probs (in place allowed). */
void qs_intent_softmax (const float logits[QS_INTENT_COUNT], float probs[QS_INTENT_COUNT]);

#endif
