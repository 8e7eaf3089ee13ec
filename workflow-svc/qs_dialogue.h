/*  qs_dialogue - a conversation's dialogue state (contract section 8), typed:
    the subject services, the pending plan, the last list shown (services or
    recommendations, in order, with ids), the last question kind and an open
    clarification (what was asked and the request it belongs to).

    It lives in the store with the conversation (qs_store_dialogue_get/put,
    versioned), so any worker replica sees it and a restart keeps it. JSON
    only at that edge and in the summary sent to the intent service
    (DIALOGUE-SPEC: "dialogue" in classify/extract). */
#ifndef QS_DIALOGUE_H
#define QS_DIALOGUE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include "qs_config.h"
#include "qs_err.h"
#include "qs_store.h"

#define QS_DLG_SUBJECTS   4
#define QS_DLG_LIST       20
#define QS_DLG_CANDIDATES 10

typedef struct {
    char id[64];
    char name[64];
    char service_type[16];
} qs_dlg_service_t;

/*  An item of the last list: a service (id = service id) or a recommendation
    (id = recommendation id, service_* = its service, type = its kind). */
typedef struct {
    char id[64];
    char name[64];
    char service_id[64];
    char service_name[64];
    char service_type[16];
    char type[24];
} qs_dlg_item_t;

/*  An operation on a running service (manage_service, contract section 9),
    as extract's "operation" {"op","replicas","delta","tier","direction",
    "enabled"} says it. */
typedef struct {
    char op[12];                /* "" none, scale, tier, ha, backups, restart, delete */
    int replicas;               /* 0 = not given */
    int delta;                  /* 0 = none */
    char tier[12];              /* "" = not given */
    int direction;              /* +1 up, -1 down, 0 not given */
    int enabled;                /* -1 not given, else 0 / 1 */
} qs_dlg_op_t;

typedef struct {
    char action_id[64];         /* "" = no plan awaiting confirmation */
    char action_type[24];       /* provision_service, update_service, delete_service, ... */
    char service_id[64];        /* the service an update/delete changes */
    char service_name[64];
    qs_config_t given;          /* what the user asked for (provision) */
    qs_config_t config;         /* the full plan (provision); the fields that change (update_service) */
} qs_dlg_pending_t;

typedef struct {
    char asked[16];             /* "" = none, "service_type", "service", "confirm_name" */
    char intent[32];            /* the request it belongs to */
    qs_config_t given;          /* the settings already given (provision) */
    qs_dlg_op_t op;             /* the operation asked for (manage_service) */
    qs_dlg_service_t candidates[QS_DLG_CANDIDATES];
    int ncandidates;
} qs_dlg_clarify_t;

/*  The last change asked for in words ("scale acme-jobs to 2 replicas"),
    kept once decided so that "what about acme-sessions?" offers the same
    change for another service. */
typedef struct {
    qs_dlg_op_t op;
    qs_config_t fields;         /* the settings it states */
} qs_dlg_change_t;

/*  The last change made from this conversation (an executed update_service)
    and what it replaced, so "undo that" can offer the way back. */
typedef struct {
    char service_id[64];        /* "" = none */
    char service_name[64];
    qs_config_t before;         /* the fields the change set, as they were */
} qs_dlg_done_t;

typedef struct {
    qs_dlg_service_t subject[QS_DLG_SUBJECTS];   /* most recent LAST */
    int nsubject;
    qs_dlg_pending_t pending;
    char last_kind[32];
    char list_kind[16];         /* "" / "services" / "recommendations" */
    qs_dlg_item_t list[QS_DLG_LIST];
    int nlist;
    qs_dlg_clarify_t clarify;
    qs_dlg_change_t last_change;
    qs_dlg_done_t last_done;
    qs_config_t last_plan;      /* what the last provision plan was given: "and another one" */
    char refusal[400];          /* why the last turn's request was refused: "why not?" */
} qs_dialogue_t;

/*  An empty state. */
void qs_dialogue_init (qs_dialogue_t *d);

/*  Read the stored form (lent, may be NULL or {}) into d (initialised first). */
void qs_dialogue_from_json (qs_dialogue_t *d, json_object *obj);
/*  The stored form. New object (caller puts). */
json_object *qs_dialogue_to_json (const qs_dialogue_t *d);
/*  The summary for the intent service (DIALOGUE-SPEC). New object. */
json_object *qs_dialogue_summary (const qs_dialogue_t *d);

/*  Make a Service (lent; {"id","name","service_type"} is enough) the most
    recent subject; one already there moves to the end. */
void qs_dialogue_subject_push (qs_dialogue_t *d, json_object *service);
/*  Replace the subject with the services of an array (lent; the last of them
    becomes the most recent; at most QS_DLG_SUBJECTS, the last ones kept). */
void qs_dialogue_subject_set (qs_dialogue_t *d, json_object *services);
/*  The most recent subject, or NULL. Lent. */
const qs_dlg_service_t *qs_dialogue_subject (const qs_dialogue_t *d);

/*  Remember a list shown to the user: kind "services" (array of Service) or
    "recommendations" (array of recommendations), in order. */
void qs_dialogue_list_set (qs_dialogue_t *d, const char *kind, json_object *items);

/*  Read an operation (lent, extract's "operation" or the stored form; may be
    NULL = none) into op. */
void qs_dialogue_op_read (qs_dlg_op_t *op, json_object *obj);
/*  Its wire form, NULL when op->op is "". New object. */
json_object *qs_dialogue_op_json (const qs_dlg_op_t *op);

/*  Drop the pending plan / the open clarification. */
void qs_dialogue_pending_clear (qs_dialogue_t *d);
void qs_dialogue_clarify_clear (qs_dialogue_t *d);

/*  Keep the pending plan true to the store: one decided elsewhere (the
    confirm endpoint, another replica) is dropped; without one, the newest
    pending action of the conversation (proposed by an older worker) is
    adopted. */
void qs_dialogue_sync_pending (qs_store_t *store, const char *org_id, const char *user_id,
                               const char *conv_id, qs_dialogue_t *d);

/*  Load the state of the caller's conversation; *version_p for the save
    (qs_store_turn_save with qs_dialogue_to_json). A conversation without
    state gives an empty one (version 0). 0 or -1. */
int qs_dialogue_load (qs_store_t *store, const char *org_id, const char *user_id,
                      const char *conv_id, qs_dialogue_t *d, int64_t *version_p, qs_err_t *err);

#endif
