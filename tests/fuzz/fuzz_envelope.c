/*  fuzz_envelope - the bus envelope decoder (common/bus/qs_envelope.h).

    Input: one mode byte, then the frames of a message separated by 0x1e
    (ASCII record separator). Mode bits: 0 parse the JSON frames, 1 peek
    before decoding, 2 the message starts with the 3-frame protocol header,
    3 the header is the worker one. A decoded envelope must re-encode and
    decode again to the same fields. */
#include <czmq.h>
#include "fuzz_common.h"
#include "qs_envelope.h"

#define S_SEP 0x1e

static zmsg_t *
s_frames (const uint8_t *data, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    if (!msg)
        abort ();
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == S_SEP) {
            zmsg_addmem (msg, data + start, i - start);
            start = i + 1;
        }
    }
    return msg;
}

static void
s_check_decoded (const qs_envelope_t *env, bool parsed)
{
    QS_FUZZ_CHECK (env->call_id[0] != '\0');
    QS_FUZZ_CHECK (env->deadline_ms > 0);
    QS_FUZZ_CHECK (qs_bus_name_valid (env->service));
    QS_FUZZ_CHECK (qs_bus_name_valid (env->op));
    QS_FUZZ_CHECK (!env->traceparent[0] || qs_traceparent_valid (env->traceparent));
    if (parsed)
        QS_FUZZ_CHECK (env->body && json_object_is_type (env->body, json_type_object));
    else
        QS_FUZZ_CHECK (env->body == NULL);
}

/*  What decode accepted, encode must take and decode must give back. */
static void
s_roundtrip (const qs_envelope_t *env)
{
    zmsg_t *msg = zmsg_new ();
    QS_FUZZ_CHECK (qs_envelope_encode (env, msg) == 0);
    qs_envelope_t again;
    qs_err_t err;
    QS_FUZZ_CHECK (qs_envelope_decode (&again, msg, true, &err) == 0);
    QS_FUZZ_CHECK (strcmp (again.call_id, env->call_id) == 0);
    QS_FUZZ_CHECK (strcmp (again.request_id, env->request_id) == 0);
    QS_FUZZ_CHECK (strcmp (again.traceparent, env->traceparent) == 0);
    QS_FUZZ_CHECK (again.deadline_ms == env->deadline_ms);
    QS_FUZZ_CHECK (strcmp (again.service, env->service) == 0);
    QS_FUZZ_CHECK (strcmp (again.op, env->op) == 0);
    QS_FUZZ_CHECK (strcmp (again.auth.sub, env->auth.sub) == 0);
    QS_FUZZ_CHECK (strcmp (again.auth.org_id, env->auth.org_id) == 0);
    QS_FUZZ_CHECK (again.auth.roles == env->auth.roles || !env->auth.sub[0]);
    QS_FUZZ_CHECK (strcmp (again.auth.token, env->auth.token) == 0);
    qs_envelope_clear (&again);
    zmsg_destroy (&msg);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    bool parse_json = mode & 1;
    zmsg_t *msg = s_frames (data + 1, size - 1);
    qs_envelope_t env;
    qs_err_t err;

    if (mode & 4) {
        size_t before = zmsg_size (msg);
        int cmd = qs_bus_header_pop (msg, (mode & 8) ? QS_BUS_WORKER : QS_BUS_CLIENT);
        QS_FUZZ_CHECK (cmd == -1 || cmd == -2 || (cmd >= QS_CMD_READY && cmd <= QS_CMD_STATUS));
        QS_FUZZ_CHECK (before < 3 || zmsg_size (msg) == before - 3);
        if (cmd < 0)
            goto cleanup;
    }
    if (mode & 2) {
        size_t before = zmsg_size (msg);
        int rc = qs_envelope_peek (&env, msg, &err);
        QS_FUZZ_CHECK (zmsg_size (msg) == before);      /* peek never takes frames */
        if (rc == 0)
            s_check_decoded (&env, false);
        else
            QS_FUZZ_CHECK (err.status == 400);
        qs_envelope_clear (&env);
    }
    if (qs_envelope_decode (&env, msg, parse_json, &err) == 0) {
        s_check_decoded (&env, parse_json);
        s_roundtrip (&env);
    }
    else
        QS_FUZZ_CHECK (err.status == 400 && env.body == NULL);
    qs_envelope_clear (&env);
cleanup:
    zmsg_destroy (&msg);
    return 0;
}
