/*  qs_store_sqlite - private to the SQLite backend (qs_store_sqlite*.c): the
    connection, statement helpers and the operations qs_store_sqlite_work.c
    adds to the vtable. Every qs_lite_* operation takes the lock itself. */
#ifndef QS_STORE_SQLITE_H
#define QS_STORE_SQLITE_H

#include "qs_store_impl.h"
#include <pthread.h>
#include <sqlite3.h>

typedef struct {
    sqlite3 *db;
    pthread_mutex_t lock;     /* one transaction at a time on the connection */
} qs_lite_t;

#define QS_LITE_LOCK(self) pthread_mutex_lock (&(self)->lock)
#define QS_LITE_UNLOCK(self) pthread_mutex_unlock (&(self)->lock)

/*  Map a SQLite result code to err (BUSY/LOCKED = 503). Returns -1. */
int qs_lite_fail (qs_lite_t *self, int rc, qs_err_t *err);
/*  Run SQL text without results. 0 or -1. */
int qs_lite_exec (qs_lite_t *self, const char *sql, qs_err_t *err);
/*  Roll back when a transaction is open (after an error or a 404). */
void qs_lite_rollback (qs_lite_t *self);
/*  Prepare sql and bind arguments per fmt: 't' text (NULL binds NULL), 'i'
    int64_t. NULL with err set on failure. */
sqlite3_stmt *qs_lite_stmt (qs_lite_t *self, qs_err_t *err, const char *sql, const char *fmt, ...);
/*  Step a statement that returns no rows and finalize it. 0 or -1. */
int qs_lite_run (qs_lite_t *self, sqlite3_stmt *stmt, qs_err_t *err);
/*  Column text ("" for NULL) / NULL for SQL NULL. Lent until the next step. */
const char *qs_lite_col (sqlite3_stmt *stmt, int i);
const char *qs_lite_col_or_null (sqlite3_stmt *stmt, int i);

typedef json_object *(qs_lite_row_fn) (sqlite3_stmt *stmt);
/*  Every row mapped by fn into a new array; finalizes stmt. */
json_object *qs_lite_rows (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn, qs_err_t *err);
/*  The first row mapped by fn, or 404 "<what> not found"; finalizes stmt. */
json_object *qs_lite_one (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn,
                          const char *what, qs_err_t *err);

/* ---- qs_store_sqlite_work.c (see qs_store_ops_t) ---- */
int qs_lite_ckpt_put (void *impl, const char *org, const char *user, const char *run_id,
                      const char *conv_id, int64_t step, const char *status, const char *state,
                      int64_t now, qs_err_t *err);
json_object *qs_lite_ckpt_get (void *impl, const char *org, const char *user,
                               const char *run_id, qs_err_t *err);
json_object *qs_lite_ckpt_waiting (void *impl, const char *org, const char *user,
                                   const char *conv_id, qs_err_t *err);
int qs_lite_ckpt_delete (void *impl, const char *org, const char *user, const char *run_id,
                         qs_err_t *err);
long qs_lite_ckpt_prune (void *impl, int64_t cutoff_ms, qs_err_t *err);
json_object *qs_lite_act_create (void *impl, const char *org, const char *user,
                                 const qs_store_action_in_t *in, qs_err_t *err);
json_object *qs_lite_act_get (void *impl, const char *org, const char *user, const char *id,
                              qs_err_t *err);
json_object *qs_lite_act_transition (void *impl, const char *org, const char *user,
                                     const char *id, const char *to, const char *result,
                                     int64_t now, qs_err_t *err);
json_object *qs_lite_act_pending (void *impl, const char *org, const char *user,
                                  const char *conv_id, qs_err_t *err);
json_object *qs_lite_doc_put (void *impl, const qs_store_doc_in_t *in, qs_err_t *err);
json_object *qs_lite_doc_get (void *impl, const char *id, bool with_deleted, qs_err_t *err);
int qs_lite_doc_delete (void *impl, const char *id, int64_t now, qs_err_t *err);
json_object *qs_lite_doc_changed (void *impl, int64_t since_ms, const char *since_id,
                                  int limit, qs_err_t *err);
json_object *qs_lite_diag_put (void *impl, const char *org, const qs_store_diag_in_t *in,
                               qs_err_t *err);
json_object *qs_lite_diag_find (void *impl, const char *org, const char *code, int limit,
                                qs_err_t *err);

#endif
