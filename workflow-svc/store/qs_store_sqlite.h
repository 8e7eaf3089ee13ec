/*  qs_store_sqlite - private to the workflow store's SQLite backend
    (qs_store_sqlite*.c): the operations qs_store_sqlite_work.c adds to the
    vtable. Every qs_lite_* operation takes the connection's lock itself. */
#ifndef QS_STORE_SQLITE_H
#define QS_STORE_SQLITE_H

#include "qs_lite.h"
#include "qs_store_impl.h"

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
json_object *qs_lite_diag_put (void *impl, const char *org, const qs_store_diag_in_t *in,
                               qs_err_t *err);
json_object *qs_lite_diag_find (void *impl, const char *org, const char *code, int limit,
                                qs_err_t *err);
json_object *qs_lite_audit_append (void *impl, const char *org, const qs_store_audit_in_t *in,
                                   qs_err_t *err);
json_object *qs_lite_audit_list (void *impl, const char *org, const char *actor,
                                 int64_t after_seq, int limit, qs_err_t *err);

#endif
