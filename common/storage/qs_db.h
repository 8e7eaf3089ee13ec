/*  qs_db - the thin storage driver: opens the database a URL names and
    hands its connection to the repositories that own the data (the
    workflow's conversation store, the knowledge documents); they create
    their own schema (qs_lite_migrate, qs_mongo_indexes).

      sqlite:///abs/path.db   sqlite://rel/path.db    (qs_lite.h)
      mongodb://host:port/db?w=majority&...          (qs_mongo.h)

    Errors: 400 bad URL, 503 store_unavailable (unreachable or busy). */
#ifndef QS_DB_H
#define QS_DB_H

#include "qs_err.h"
#include "qs_lite.h"
#include "qs_mongo.h"

typedef struct _qs_db_t qs_db_t;

/*  Open the database at url. NULL with err set on failure. */
qs_db_t *qs_db_new (const char *url, qs_err_t *err);
void qs_db_destroy (qs_db_t **self_p);

/*  "sqlite" or "mongodb". Lent. */
const char *qs_db_backend (qs_db_t *self);
/*  Cheap round trip to the database (readiness). 0 or -1 (503). */
int qs_db_ping (qs_db_t *self, qs_err_t *err);

/*  The open connection, lent: exactly one of them is non-NULL. */
qs_lite_t *qs_db_lite (qs_db_t *self);
qs_mongo_t *qs_db_mongo (qs_db_t *self);

#endif
