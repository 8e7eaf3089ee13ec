/*  Unit tests: the bus envelope and header codec, valid and malformed. */
#include "../qs_test.h"
#include <string.h>
#include "qs_envelope.h"
#include "qs_json.h"
#include "qs_util.h"

static void
s_fill (qs_envelope_t *env)
{
    memset (env, 0, sizeof *env);
    qs_strlcpy (env->call_id, "7", sizeof env->call_id);
    qs_strlcpy (env->request_id, "req-abc", sizeof env->request_id);
    qs_traceparent_new (env->traceparent);
    env->deadline_ms = qs_now_ms () + 5000;
    qs_strlcpy (env->service, "intent", sizeof env->service);
    qs_strlcpy (env->op, "classify", sizeof env->op);
    qs_strlcpy (env->auth.sub, "user-1", sizeof env->auth.sub);
    qs_strlcpy (env->auth.org_id, "org-1", sizeof env->auth.org_id);
    qs_strlcpy (env->auth.tier, "pro", sizeof env->auth.tier);
    env->auth.roles = QS_ROLE_MEMBER | QS_ROLE_ADMIN;
    qs_strlcpy (env->auth.token, "eyJhbGciOi.secret.sig", sizeof env->auth.token);
    env->body = json_object_new_object ();
    qs_json_add_str (env->body, "text", "scale my cluster");
}

START_TEST (test_roundtrip)
{
    qs_envelope_t in, out;
    s_fill (&in);
    zmsg_t *msg = zmsg_new ();
    ck_assert_int_eq (qs_envelope_encode (&in, msg), 0);
    ck_assert_int_eq ((int) zmsg_size (msg), 8);
    qs_err_t err;
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), 0);
    ck_assert_int_eq ((int) zmsg_size (msg), 0);
    ck_assert_str_eq (out.call_id, "7");
    ck_assert_str_eq (out.request_id, "req-abc");
    ck_assert_str_eq (out.traceparent, in.traceparent);
    ck_assert (out.deadline_ms == in.deadline_ms);
    ck_assert_str_eq (out.service, "intent");
    ck_assert_str_eq (out.op, "classify");
    ck_assert_str_eq (out.auth.sub, "user-1");
    ck_assert_str_eq (out.auth.org_id, "org-1");
    ck_assert_str_eq (out.auth.tier, "pro");
    ck_assert_uint_eq (out.auth.roles, QS_ROLE_MEMBER | QS_ROLE_ADMIN);
    ck_assert_str_eq (out.auth.token, "eyJhbGciOi.secret.sig");
    ck_assert_str_eq (qs_json_str (out.body, "text", ""), "scale my cluster");
    qs_envelope_clear (&in);
    qs_envelope_clear (&out);
    ck_assert (out.body == NULL);
    ck_assert_str_eq (out.auth.token, "");
    zmsg_destroy (&msg);
}
END_TEST

/*  The optional flags frame: "quiet" (no partials wanted) round-trips, is
    seen by the broker's peek, and nothing else is accepted there. */
START_TEST (test_quiet_flag)
{
    qs_envelope_t in, out;
    qs_err_t err;
    s_fill (&in);
    in.quiet = true;
    zmsg_t *msg = zmsg_new ();
    ck_assert_int_eq (qs_envelope_encode (&in, msg), 0);
    ck_assert_int_eq ((int) zmsg_size (msg), 9);
    ck_assert_int_eq (qs_envelope_peek (&out, msg, &err), 0);
    ck_assert (out.quiet);
    ck_assert_int_eq ((int) zmsg_size (msg), 9);
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), 0);
    ck_assert (out.quiet);
    ck_assert_str_eq (qs_json_str (out.body, "text", ""), "scale my cluster");
    qs_envelope_clear (&out);
    zmsg_destroy (&msg);
    /* without the flag: 8 frames, not quiet */
    in.quiet = false;
    msg = zmsg_new ();
    ck_assert_int_eq (qs_envelope_encode (&in, msg), 0);
    ck_assert_int_eq ((int) zmsg_size (msg), 8);
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), 0);
    ck_assert (!out.quiet);
    qs_envelope_clear (&out);
    zmsg_destroy (&msg);
    /* a 10th frame after the flags is refused */
    in.quiet = true;
    msg = zmsg_new ();
    ck_assert_int_eq (qs_envelope_encode (&in, msg), 0);
    zmsg_addstr (msg, "quiet");
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), -1);
    ck_assert_int_eq (err.status, 400);
    zmsg_destroy (&msg);
    qs_envelope_clear (&in);
}
END_TEST

START_TEST (test_anonymous_and_no_parse)
{
    qs_envelope_t in, out;
    s_fill (&in);
    memset (&in.auth, 0, sizeof in.auth);
    zmsg_t *msg = zmsg_new ();
    ck_assert_int_eq (qs_envelope_encode (&in, msg), 0);
    qs_err_t err;
    /* the broker's view: peek leaves the frames in place */
    ck_assert_int_eq (qs_envelope_peek (&out, msg, &err), 0);
    ck_assert_int_eq ((int) zmsg_size (msg), 8);
    ck_assert_str_eq (out.op, "classify");
    ck_assert (out.deadline_ms == in.deadline_ms);
    ck_assert (out.body == NULL);
    qs_envelope_clear (&out);
    /* JSON frames size-checked only */
    ck_assert_int_eq (qs_envelope_decode (&out, msg, false, &err), 0);
    ck_assert (out.body == NULL);
    ck_assert_str_eq (out.auth.sub, "");
    qs_envelope_clear (&in);
    qs_envelope_clear (&out);
    zmsg_destroy (&msg);
}
END_TEST

/*  Encode a good envelope, then replace frame `index` with `text`. */
static zmsg_t *
s_corrupt (int index, const char *text)
{
    qs_envelope_t in;
    s_fill (&in);
    zmsg_t *msg = zmsg_new ();
    qs_envelope_encode (&in, msg);
    qs_envelope_clear (&in);
    zmsg_t *out = zmsg_new ();
    int i = 0;
    for (zframe_t *frame = zmsg_first (msg); frame; frame = zmsg_next (msg), i++)
        if (i == index)
            zmsg_addstr (out, text);
        else
            zmsg_addmem (out, zframe_data (frame), zframe_size (frame));
    zmsg_destroy (&msg);
    return out;
}

START_TEST (test_malformed)
{
    static const struct { int index; const char *text; } cases [] = {
        { 0, "" },                                  /* empty call id */
        { 2, "00-zz-nothex-01" },                   /* bad traceparent */
        { 2, "00-00000000000000000000000000000000-0000000000000001-01" },
        { 3, "" }, { 3, "soon" }, { 3, "-5" }, { 3, "12abc" },
        { 4, "" }, { 4, "bad service!" }, { 4, "../etc" },
        { 5, "op with space" },
        { 6, "{\"sub\":\"x\"}" },                   /* auth without org_id */
        { 6, "not json" },
        { 7, "[1,2]" },                             /* body not an object */
        { 7, "{\"unterminated\":" },
        { 7, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        zmsg_t *msg = s_corrupt (cases [i].index, cases [i].text);
        qs_envelope_t out;
        qs_err_t err;
        qs_err_clear (&err);
        /* the broker's peek checks every frame but the JSON ones */
        int peek = qs_envelope_peek (&out, msg, &err);
        if (cases [i].index < 6 && peek != -1)
            ck_abort_msg ("case %zu (frame %d = '%s') passed peek", i, cases [i].index, cases [i].text);
        ck_assert_int_eq ((int) zmsg_size (msg), 8);
        qs_envelope_clear (&out);
        int rc = qs_envelope_decode (&out, msg, true, &err);
        if (rc != -1)
            ck_abort_msg ("case %zu (frame %d = '%s') accepted", i, cases [i].index, cases [i].text);
        ck_assert_int_eq (err.status, 400);
        ck_assert (out.body == NULL);
        zmsg_destroy (&msg);
    }
    /* wrong frame counts */
    zmsg_t *msg = zmsg_new ();
    qs_envelope_t out;
    qs_err_t err;
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), -1);
    zmsg_addstr (msg, "1");
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), -1);
    zmsg_destroy (&msg);
    msg = s_corrupt (0, "9");
    zmsg_addstr (msg, "extra");
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), -1);
    zmsg_destroy (&msg);
    /* embedded NUL in a string frame */
    msg = s_corrupt (1, "x");
    zframe_t *rid = zmsg_first (msg);
    rid = zmsg_next (msg);
    zframe_reset (rid, "a\0b", 3);
    ck_assert_int_eq (qs_envelope_decode (&out, msg, true, &err), -1);
    zmsg_destroy (&msg);
}
END_TEST

START_TEST (test_encode_rejects)
{
    qs_envelope_t in;
    s_fill (&in);
    zmsg_t *msg = zmsg_new ();
    in.deadline_ms = 0;
    ck_assert_int_eq (qs_envelope_encode (&in, msg), -1);
    in.deadline_ms = qs_now_ms () + 1000;
    qs_strlcpy (in.service, "no spaces", sizeof in.service);
    ck_assert_int_eq (qs_envelope_encode (&in, msg), -1);
    ck_assert_int_eq ((int) zmsg_size (msg), 0);
    qs_envelope_clear (&in);
    zmsg_destroy (&msg);
}
END_TEST

START_TEST (test_header)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "payload");
    qs_bus_header_push (msg, QS_BUS_CLIENT, QS_CMD_REQUEST);
    ck_assert_int_eq ((int) zmsg_size (msg), 4);
    ck_assert_int_eq (qs_bus_header_pop (msg, QS_BUS_CLIENT), QS_CMD_REQUEST);
    ck_assert_int_eq ((int) zmsg_size (msg), 1);
    /* wrong protocol name */
    qs_bus_header_push (msg, QS_BUS_WORKER, QS_CMD_READY);
    ck_assert_int_eq (qs_bus_header_pop (msg, QS_BUS_CLIENT), -1);
    /* a future version is refused distinctly */
    zmsg_t *v2 = zmsg_new ();
    uint8_t version = 2, cmd = QS_CMD_REQUEST;
    zmsg_addstr (v2, QS_BUS_CLIENT);
    zmsg_addmem (v2, &version, 1);
    zmsg_addmem (v2, &cmd, 1);
    ck_assert_int_eq (qs_bus_header_pop (v2, QS_BUS_CLIENT), -2);
    /* unknown command, short header, long version frame */
    uint8_t bad = 0x7f, one = 1;
    zmsg_addstr (v2, QS_BUS_CLIENT);
    zmsg_addmem (v2, &one, 1);
    zmsg_addmem (v2, &bad, 1);
    ck_assert_int_eq (qs_bus_header_pop (v2, QS_BUS_CLIENT), -1);
    zmsg_addstr (v2, QS_BUS_CLIENT);
    ck_assert_int_eq (qs_bus_header_pop (v2, QS_BUS_CLIENT), -1);
    zmsg_destroy (&v2);
    v2 = zmsg_new ();
    zmsg_addstr (v2, QS_BUS_CLIENT);
    zmsg_addstr (v2, "01");
    zmsg_addmem (v2, &cmd, 1);
    ck_assert_int_eq (qs_bus_header_pop (v2, QS_BUS_CLIENT), -1);
    ck_assert_int_eq (qs_bus_header_pop (NULL, QS_BUS_CLIENT), -1);
    zmsg_destroy (&v2);
    zmsg_destroy (&msg);
}
END_TEST

START_TEST (test_traceparent)
{
    char a [QS_BUS_TP_LEN + 1], b [QS_BUS_TP_LEN + 1];
    ck_assert_int_eq (qs_traceparent_new (a), 0);
    ck_assert (qs_traceparent_valid (a));
    ck_assert_int_eq (qs_traceparent_child (a, b), 0);
    ck_assert (qs_traceparent_valid (b));
    ck_assert (memcmp (a + 3, b + 3, 32) == 0);      /* same trace */
    ck_assert (memcmp (a + 36, b + 36, 16) != 0);    /* new span */
    ck_assert (qs_traceparent_valid ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    ck_assert (!qs_traceparent_valid ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
    ck_assert (!qs_traceparent_valid ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    ck_assert (!qs_traceparent_valid ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
    ck_assert (!qs_traceparent_valid ("00-4bf92f3577b34da6a3ce929d0e0e4736"));
    ck_assert (!qs_traceparent_valid (NULL));
    ck_assert (qs_bus_name_valid ("intent"));
    ck_assert (qs_bus_name_valid ("k8s.scale-up_2"));
    ck_assert (!qs_bus_name_valid (""));
    ck_assert (!qs_bus_name_valid ("a b"));
    ck_assert (!qs_bus_name_valid ("x/y"));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_envelope");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_roundtrip);
    tcase_add_test (tc, test_quiet_flag);
    tcase_add_test (tc, test_anonymous_and_no_parse);
    tcase_add_test (tc, test_malformed);
    tcase_add_test (tc, test_encode_rejects);
    tcase_add_test (tc, test_header);
    tcase_add_test (tc, test_traceparent);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
