/*  qs_sbx_faults - injected failures for tests: a list of rules, each
    matching requests by path prefix (and optionally method) for a number of
    requests, answering with a status, a replacement or truncated body,
    and/or a delay. Thread-safe (own mutex). */
#ifndef QS_SBX_FAULTS_H
#define QS_SBX_FAULTS_H

#include "qs_err.h"
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char path_prefix[256];
    char method[16];          /* "" = any */
    int status;               /* 0 = keep the real status */
    int delay_ms;             /* 0..60000 */
    int count;                /* remaining matches; -1 = until cleared */
    bool has_body;
    char body[2048];          /* replacement body when has_body */
    bool truncate;            /* serve the first half of the real body */
} qs_sbx_fault_t;

typedef struct _qs_sbx_faults_t qs_sbx_faults_t;

qs_sbx_faults_t *qs_sbx_faults_new (void);
void qs_sbx_faults_destroy (qs_sbx_faults_t **self_p);

/*  Add a rule from the control endpoint's JSON:
    {"path_prefix":str, "method"?:str, "status"?:int, "delay_ms"?:int,
     "count"?:int (default 1, -1 = until reset), "body"?:str, "truncate"?:bool}.
    0, or -1 with err (400). */
int qs_sbx_faults_add_json (qs_sbx_faults_t *self, const char *text, size_t len, qs_err_t *err);

/*  Remove every rule. */
void qs_sbx_faults_clear (qs_sbx_faults_t *self);

/*  The first live rule matching (method, path) copied into out, its count
    consumed. 1 matched, 0 none. */
int qs_sbx_faults_take (qs_sbx_faults_t *self, const char *method, const char *path,
                        qs_sbx_fault_t *out);

/*  {"faults":[...]} of the live rules. New object. */
json_object *qs_sbx_faults_json (qs_sbx_faults_t *self);

#endif
