/*  qs_envelope - the frames of the QuickSpin bus (proto/bus.md): the
    protocol header (name, version, command) and the request envelope every
    call carries (call id, request id, traceparent, deadline, service, op,
    auth context, JSON body). Pure functions over zmsg_t, no sockets, so the
    codec is unit-tested directly. */
#ifndef QS_ENVELOPE_H
#define QS_ENVELOPE_H

#include <czmq.h>
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_auth.h"
#include "qs_err.h"

#define QS_BUS_CLIENT   "QSC"       /* frame 0 of client <-> broker messages */
#define QS_BUS_WORKER   "QSW"       /* frame 0 of worker <-> broker messages */
#define QS_BUS_VERSION  1           /* frame 1: one byte */

/*  Command byte (frame 2). */
typedef enum {
    QS_CMD_READY      = 0x01,       /* W->B */
    QS_CMD_REQUEST    = 0x02,       /* C->B, B->W */
    QS_CMD_PARTIAL    = 0x03,       /* W->B, B->C */
    QS_CMD_FINAL      = 0x04,       /* W->B, B->C */
    QS_CMD_HEARTBEAT  = 0x05,       /* W<->B */
    QS_CMD_DISCONNECT = 0x06,       /* W<->B, B->C */
    QS_CMD_CANCEL     = 0x07,       /* C->B, B->W */
    QS_CMD_DISCOVER   = 0x08,       /* C<->B */
    QS_CMD_STATUS     = 0x09        /* C<->B */
} qs_bus_cmd_t;

#define QS_BUS_NAME_MAX    63       /* service and op names */
#define QS_BUS_CALL_ID_MAX 63
#define QS_BUS_RID_MAX     127
#define QS_BUS_TP_LEN      55       /* 00-<32 hex>-<16 hex>-<2 hex> */

typedef struct {
    char call_id[QS_BUS_CALL_ID_MAX + 1];   /* unique per client socket */
    char request_id[QS_BUS_RID_MAX + 1];
    char traceparent[QS_BUS_TP_LEN + 1];
    int64_t deadline_ms;                    /* absolute epoch ms */
    char service[QS_BUS_NAME_MAX + 1];
    char op[QS_BUS_NAME_MAX + 1];
    qs_auth_t auth;                         /* empty (sub "") when anonymous */
    json_object *body;                      /* owned; never NULL after decode */
    bool quiet;                             /* the caller reads no partials (frame 8) */
} qs_envelope_t;

/*  Push the 3-frame header (proto, version, cmd) in front of msg. */
void qs_bus_header_push (zmsg_t *msg, const char *proto, qs_bus_cmd_t cmd);

/*  Pop and check the header of msg. Returns the command (> 0), -1 when the
    header is malformed or the proto is not the expected one, -2 when the
    version is not ours (answer DISCONNECT "unsupported_version"). */
int qs_bus_header_pop (zmsg_t *msg, const char *proto);

/*  Append the envelope frames to msg: 8, plus the optional flags frame
    ("quiet") when env->quiet. -1 when a field is too long or the deadline is
    not positive. */
int qs_envelope_encode (const qs_envelope_t *env, zmsg_t *msg);

/*  Pop the 8 or 9 envelope frames from msg into env (env is reset first; its body
    must be released with qs_envelope_clear). When parse_json is false the
    auth and body frames are only size-checked (the broker never parses them)
    and env->body stays NULL. 0, or -1 with err (400 bad_request). */
int qs_envelope_decode (qs_envelope_t *env, zmsg_t *msg, bool parse_json, qs_err_t *err);

/*  Check the 8 or 9 envelope frames of msg without taking them out (the
    broker's view: auth and body are only size-checked, env->body stays
    NULL). 0, or -1 with err (400 bad_request). */
int qs_envelope_peek (qs_envelope_t *env, zmsg_t *msg, qs_err_t *err);

/*  Release the body and zero the struct (token included). */
void qs_envelope_clear (qs_envelope_t *env);

/*  True for a service/op name: 1..63 chars of [A-Za-z0-9_.-]. */
bool qs_bus_name_valid (const char *name);

/*  W3C traceparent helpers. new: a random trace and span. child: same trace
    id, new span (a fresh one when parent is invalid). valid: syntax check.
    out must hold QS_BUS_TP_LEN + 1 bytes. */
int qs_traceparent_new (char *out);
int qs_traceparent_child (const char *parent, char *out);
bool qs_traceparent_valid (const char *tp);

/*  Frame helpers: a frame as a NUL-terminated string into buf (size bytes);
    -1 when the frame is missing, too long or holds a NUL. Pops the frame. */
int qs_bus_pop_str (zmsg_t *msg, char *buf, size_t size);

/*  Error body {"error":{"code","message"}} as a new object. */
json_object *qs_bus_error_body (const char *code, const char *message);

/*  A FINAL message body: [call_id, status, body_json] appended to msg. */
void qs_bus_final_append (zmsg_t *msg, const char *call_id, int status, const char *body_json);

#endif
