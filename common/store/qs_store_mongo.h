/*  qs_store_mongo - private to the MongoDB backend (qs_store_mongo*.c): the
    pool, collection helpers and the operations qs_store_mongo_work.c adds to
    the vtable. Helpers pop a client from the pool and push it back. */
#ifndef QS_STORE_MONGO_H
#define QS_STORE_MONGO_H

#include "qs_store_impl.h"
#include <mongoc/mongoc.h>

typedef struct {
    mongoc_uri_t *uri;
    mongoc_client_pool_t *pool;
    char db[64];
} qs_mongo_t;

typedef struct {
    qs_mongo_t *self;
    mongoc_client_t *client;
    mongoc_collection_t *coll;
} qs_mongo_conn_t;

/*  Map a driver error to err (unreachable = 503, duplicate key = 409). -1. */
int qs_mongo_fail (const bson_error_t *error, qs_err_t *err);
/*  Pop a client and open collection name / release both. */
void qs_mongo_open (qs_mongo_t *self, const char *name, qs_mongo_conn_t *c);
void qs_mongo_close (qs_mongo_conn_t *c);

/*  Field readers: lent UTF-8 or NULL / "" ; int64 from any number or date. */
const char *qs_mongo_str (const bson_t *doc, const char *key);
const char *qs_mongo_str0 (const bson_t *doc, const char *key);
int64_t qs_mongo_i64 (const bson_t *doc, const char *key);

/*  Keyset position: 16 hex digits of ms, then the id's bytes in hex. It
    compares like (ms, id) byte-wise, and being plain [0-9a-f] text it sorts
    the same under binary and locale-aware string ordering (the test server
    sorts strings with localeCompare). */
#define QS_MONGO_KEY_SIZE (16 + 2 * QS_STORE_SLUG_MAX + 1)
const char *qs_mongo_sort_key (int64_t ms, const char *id, char out[QS_MONGO_KEY_SIZE]);

typedef json_object *(qs_mongo_row_fn) (const bson_t *doc);
/*  find with opts, every document mapped by fn into a new array. */
json_object *qs_mongo_find (qs_mongo_t *self, const char *name, const bson_t *filter,
                            const bson_t *opts, qs_mongo_row_fn *fn, qs_err_t *err);
/*  The first match mapped by fn, or 404 "<what> not found". */
json_object *qs_mongo_find_one (qs_mongo_t *self, const char *name, const bson_t *filter,
                                qs_mongo_row_fn *fn, const char *what, qs_err_t *err);
int qs_mongo_insert (qs_mongo_t *self, const char *name, const bson_t *doc, qs_err_t *err);
/*  deletedCount, or -1. */
long qs_mongo_delete (qs_mongo_t *self, const char *name, const bson_t *filter, bool many,
                      qs_err_t *err);
/*  update_one: matchedCount + upsertedCount, or -1. */
long qs_mongo_update (qs_mongo_t *self, const char *name, const bson_t *filter,
                      const bson_t *update, const bson_t *opts, qs_err_t *err);
/*  findAndModify returning the new document mapped by fn; *found false (and
    NULL) when nothing matched. */
json_object *qs_mongo_modify (qs_mongo_t *self, const char *name, const bson_t *query,
                              const bson_t *update, qs_mongo_row_fn *fn, bool *found,
                              qs_err_t *err);

/* ---- qs_store_mongo_work.c (see qs_store_ops_t) ---- */
int qs_mongo_ckpt_put (void *impl, const char *org, const char *user, const char *run_id,
                       const char *conv_id, int64_t step, const char *status, const char *state,
                       int64_t now, qs_err_t *err);
json_object *qs_mongo_ckpt_get (void *impl, const char *org, const char *user,
                                const char *run_id, qs_err_t *err);
json_object *qs_mongo_ckpt_waiting (void *impl, const char *org, const char *user,
                                    const char *conv_id, qs_err_t *err);
int qs_mongo_ckpt_delete (void *impl, const char *org, const char *user, const char *run_id,
                          qs_err_t *err);
long qs_mongo_ckpt_prune (void *impl, int64_t cutoff_ms, qs_err_t *err);
json_object *qs_mongo_act_create (void *impl, const char *org, const char *user,
                                  const qs_store_action_in_t *in, qs_err_t *err);
json_object *qs_mongo_act_get (void *impl, const char *org, const char *user, const char *id,
                               qs_err_t *err);
json_object *qs_mongo_act_transition (void *impl, const char *org, const char *user,
                                      const char *id, const char *to, const char *result,
                                      int64_t now, qs_err_t *err);
json_object *qs_mongo_act_pending (void *impl, const char *org, const char *user,
                                   const char *conv_id, qs_err_t *err);
json_object *qs_mongo_doc_put (void *impl, const qs_store_doc_in_t *in, qs_err_t *err);
json_object *qs_mongo_doc_get (void *impl, const char *id, bool with_deleted, qs_err_t *err);
int qs_mongo_doc_delete (void *impl, const char *id, int64_t now, qs_err_t *err);
json_object *qs_mongo_doc_changed (void *impl, int64_t since_ms, const char *since_id,
                                   int limit, qs_err_t *err);
json_object *qs_mongo_diag_put (void *impl, const char *org, const qs_store_diag_in_t *in,
                                qs_err_t *err);
json_object *qs_mongo_diag_find (void *impl, const char *org, const char *code, int limit,
                                 qs_err_t *err);

#endif
