/*  qs_mongo - the storage driver's MongoDB side: a mongoc_client_pool_t
    configured from the URL (write concern, read preference, TLS, timeouts;
    retryable writes on unless the URL says otherwise; server selection 5 s
    by default), index creation, ping, error mapping and the collection
    helpers the repositories build on. Helpers pop a client from the pool and
    push it back, so a qs_mongo_t is safe to use from several threads.
    Every document is built with typed appends: a user string is only ever a
    value, never a key or an operator. */
#ifndef QS_MONGO_H
#define QS_MONGO_H

#include "qs_mongo_api.h"        /* libmongoc, loaded by qs_mongo_new */
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

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

/*  Open the pool for "mongodb://..." (database from the URL, default
    "quickspin"); the first one loads libmongoc. Nothing is contacted yet.
    NULL with err (400 bad URL, 503 store_unavailable without libmongoc). */
qs_mongo_t *qs_mongo_new (const char *url, qs_err_t *err);
void qs_mongo_destroy (qs_mongo_t **self_p);
/*  Round trip to the server (readiness). 0 or -1 (503). */
int qs_mongo_ping (qs_mongo_t *self, qs_err_t *err);
/*  createIndexes on collection name (idempotent); takes ownership of
    indexes (an array document built from constants). An unreachable server
    is 503. 0 or -1. */
int qs_mongo_indexes (qs_mongo_t *self, const char *name, bson_t *indexes, qs_err_t *err);

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
#define QS_MONGO_KEY_SIZE (16 + 2 * 64 + 1)       /* ids of up to 64 bytes */
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

#endif
