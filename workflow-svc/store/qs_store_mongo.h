/*  qs_store_mongo - private to the workflow store's MongoDB backend
    (qs_store_mongo*.c): the operations qs_store_mongo_work.c adds to the
    vtable. */
#ifndef QS_STORE_MONGO_H
#define QS_STORE_MONGO_H

#include "qs_mongo.h"
#include "qs_store_impl.h"

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
json_object *qs_mongo_diag_put (void *impl, const char *org, const qs_store_diag_in_t *in,
                                qs_err_t *err);
json_object *qs_mongo_diag_find (void *impl, const char *org, const char *code, int limit,
                                 qs_err_t *err);
int qs_mongo_audit_indexes (qs_mongo_t *self, qs_err_t *err);
json_object *qs_mongo_audit_append (void *impl, const char *org, const qs_store_audit_in_t *in,
                                    qs_err_t *err);
json_object *qs_mongo_audit_list (void *impl, const char *org, const char *actor,
                                  int64_t after_seq, int limit, qs_err_t *err);
/*  Append action's (lent, may be NULL) entries after its own write; a
    failure is logged, never turned into an error of the action's call (the
    action has already changed). */
void qs_mongo_audit_action (qs_mongo_t *self, const char *org, const char *actor,
                            json_object *action);

#endif
