/*  qs_kb_docs_impl - private to knowledge-svc/store: the two backends of
    qs_kb_docs (qs_kb_docs_lite.c, qs_kb_docs_mongo.c). qs_kb_docs.c checks
    every input first, so backends receive only checked values. Each returns
    a new Document / 0 on success, NULL / -1 with err set. */
#ifndef QS_KB_DOCS_IMPL_H
#define QS_KB_DOCS_IMPL_H

#include <stdbool.h>
#include "qs_db.h"
#include "qs_kb_docs.h"

typedef struct {
    char id[QS_KB_DOCS_ID_MAX + 1];
    const char *title, *content, *topic, *category;
    const char *metadata;         /* JSON object text */
    int64_t now;
} qs_kb_doc_in_t;

/*  The Document record both backends return. */
json_object *qs_kb_docs_rec (const char *id, const char *title, const char *content,
                             const char *topic, const char *category, const char *metadata,
                             bool deleted, int64_t created, int64_t updated);

int qs_kb_docs_lite_init (qs_lite_t *lite, qs_err_t *err);
json_object *qs_kb_docs_lite_put (qs_lite_t *lite, const qs_kb_doc_in_t *in, qs_err_t *err);
json_object *qs_kb_docs_lite_get (qs_lite_t *lite, const char *id, bool with_deleted,
                                  qs_err_t *err);
int qs_kb_docs_lite_delete (qs_lite_t *lite, const char *id, int64_t now, qs_err_t *err);
json_object *qs_kb_docs_lite_changed (qs_lite_t *lite, int64_t since_ms, const char *since_id,
                                      int limit, qs_err_t *err);

int qs_kb_docs_mongo_init (qs_mongo_t *mongo, qs_err_t *err);
json_object *qs_kb_docs_mongo_put (qs_mongo_t *mongo, const qs_kb_doc_in_t *in, qs_err_t *err);
json_object *qs_kb_docs_mongo_get (qs_mongo_t *mongo, const char *id, bool with_deleted,
                                   qs_err_t *err);
int qs_kb_docs_mongo_delete (qs_mongo_t *mongo, const char *id, int64_t now, qs_err_t *err);
json_object *qs_kb_docs_mongo_changed (qs_mongo_t *mongo, int64_t since_ms,
                                       const char *since_id, int limit, qs_err_t *err);

#endif
