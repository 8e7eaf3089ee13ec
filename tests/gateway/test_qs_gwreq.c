/*  test_qs_gwreq - request ids, content type, body and chat validation,
    query parameters, the error shape and SSE framing. */
#include "../qs_test.h"
#include "qs_gwreq.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <string.h>

START_TEST (test_request_id)
{
    char out[QS_GWREQ_ID_MAX + 1];
    ck_assert (qs_gwreq_id_sane ("req-1_2.3:4"));
    ck_assert (!qs_gwreq_id_sane (""));
    ck_assert (!qs_gwreq_id_sane (NULL));
    ck_assert (!qs_gwreq_id_sane ("has space"));
    ck_assert (!qs_gwreq_id_sane ("line\nbreak"));
    ck_assert (!qs_gwreq_id_sane ("quote\""));
    char longid[80];
    memset (longid, 'a', 65);
    longid[65] = '\0';
    ck_assert (!qs_gwreq_id_sane (longid));
    longid[64] = '\0';
    ck_assert (qs_gwreq_id_sane (longid));

    ck_assert_int_eq (qs_gwreq_id ("client-42", out), 0);
    ck_assert_str_eq (out, "client-42");
    ck_assert_int_eq (qs_gwreq_id ("bad id\r\nX-Evil: 1", out), 0);
    ck_assert (qs_gwreq_id_sane (out));
    ck_assert_ptr_null (strstr (out, "Evil"));
    char other[QS_GWREQ_ID_MAX + 1];
    ck_assert_int_eq (qs_gwreq_id (NULL, other), 0);
    ck_assert (qs_gwreq_id_sane (other));
    ck_assert_str_ne (out, other);
}
END_TEST

START_TEST (test_traceparent)
{
    ck_assert (qs_gwreq_traceparent_valid ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    ck_assert (!qs_gwreq_traceparent_valid ("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
    ck_assert (!qs_gwreq_traceparent_valid ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
    ck_assert (!qs_gwreq_traceparent_valid ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
    ck_assert (!qs_gwreq_traceparent_valid ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    ck_assert (!qs_gwreq_traceparent_valid ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"));
    ck_assert (!qs_gwreq_traceparent_valid (NULL));
}
END_TEST

START_TEST (test_content_type)
{
    ck_assert (qs_gwreq_is_json_type ("application/json"));
    ck_assert (qs_gwreq_is_json_type ("Application/JSON; charset=utf-8"));
    ck_assert (qs_gwreq_is_json_type ("application/json;charset=UTF-8"));
    ck_assert (!qs_gwreq_is_json_type ("application/jsonp"));
    ck_assert (!qs_gwreq_is_json_type ("text/plain"));
    ck_assert (!qs_gwreq_is_json_type ("application/x-www-form-urlencoded"));
    ck_assert (!qs_gwreq_is_json_type (""));
    ck_assert (!qs_gwreq_is_json_type (NULL));
}
END_TEST

static int
s_parse (const char *ct, const char *body, qs_err_t *err, json_object **out)
{
    qs_err_clear (err);
    return qs_gwreq_parse_body (ct, body, body ? strlen (body) : 0, out, err);
}

START_TEST (test_parse_body)
{
    json_object *obj = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_parse ("application/json", "{\"a\":1}", &err, &obj), 0);
    ck_assert_int_eq (qs_json_int (obj, "a", 0), 1);
    json_object_put (obj);
    //  empty body is {} whatever the type (confirm/cancel send none)
    ck_assert_int_eq (s_parse (NULL, "", &err, &obj), 0);
    ck_assert (json_object_is_type (obj, json_type_object));
    ck_assert_int_eq (json_object_object_length (obj), 0);
    json_object_put (obj);
    ck_assert_int_eq (s_parse (NULL, " \r\n", &err, &obj), 0);
    json_object_put (obj);

    ck_assert_int_eq (s_parse ("text/plain", "{\"a\":1}", &err, &obj), -1);
    ck_assert_int_eq (err.status, 415);
    ck_assert_str_eq (err.code, "unsupported_media_type");
    ck_assert_ptr_null (obj);
    ck_assert_int_eq (s_parse (NULL, "{}", &err, &obj), -1);
    ck_assert_int_eq (err.status, 415);

    const char *bad[] = { "{", "{\"a\":}", "[1,2]", "\"str\"", "42", "{\"a\":1} x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq (s_parse ("application/json", bad[i], &err, &obj), -1);
        ck_assert_msg (err.status == 400, "%s gave %d", bad[i], err.status);
        ck_assert_str_eq (err.code, "bad_request");
        ck_assert_ptr_null (obj);
    }
    ck_assert_int_eq (s_parse ("application/json", "{\"m\":\"\xff\xfe\"}", &err, &obj), -1);
    ck_assert_int_eq (err.status, 400);
    //  a very deep document is refused, not recursed into
    char deep[300];
    memset (deep, '[', 299);
    deep[299] = '\0';
    char *doc = qs_strdupf ("{\"a\":%s}", deep);
    ck_assert_int_eq (s_parse ("application/json", doc, &err, &obj), -1);
    ck_assert_int_eq (err.status, 400);
    free (doc);
}
END_TEST

static int
s_chat (const char *json)
{
    json_object *obj = json_tokener_parse (json);
    ck_assert_ptr_nonnull (obj);
    qs_err_t err;
    qs_err_clear (&err);
    int rc = qs_gwreq_validate_chat (obj, &err);
    if (rc != 0)
        ck_assert_int_eq (err.status, 400);
    json_object_put (obj);
    return rc;
}

START_TEST (test_chat_validation)
{
    ck_assert_int_eq (s_chat ("{\"message\":\"hi\"}"), 0);
    ck_assert_int_eq (s_chat ("{\"message\":\"hi\",\"conversation_id\":\"c1\"}"), 0);
    ck_assert_int_eq (s_chat ("{\"message\":\"hi\",\"conversation_id\":null}"), 0);
    ck_assert_int_eq (s_chat ("{\"message\":\"hi\",\"conversation_id\":5}"), -1);
    ck_assert_int_eq (s_chat ("{}"), -1);
    ck_assert_int_eq (s_chat ("{\"message\":\"\"}"), -1);
    ck_assert_int_eq (s_chat ("{\"message\":null}"), -1);
    ck_assert_int_eq (s_chat ("{\"message\":12}"), -1);
    ck_assert_int_eq (s_chat ("{\"message\":[\"a\"]}"), -1);

    //  the limit counts characters, not bytes: 8000 two-byte characters pass
    size_t n = 8000;
    char *buf = malloc (n * 2 + 64);
    strcpy (buf, "{\"message\":\"");
    size_t o = strlen (buf);
    for (size_t i = 0; i < n; i++) {
        buf[o++] = '\xc3';
        buf[o++] = '\xa9';
    }
    strcpy (buf + o, "\"}");
    ck_assert_int_eq (s_chat (buf), 0);
    //  8001 characters do not
    strcpy (buf + o, "x\"}");
    ck_assert_int_eq (s_chat (buf), -1);
    free (buf);
}
END_TEST

START_TEST (test_chat_invalid_utf8)
{
    //  json-c keeps raw bytes: a lone continuation byte must still be caught
    json_object *obj = json_object_new_object ();
    json_object_object_add (obj, "message", json_object_new_string_len ("a\x80z", 3));
    qs_err_t err;
    ck_assert_int_eq (qs_gwreq_validate_chat (obj, &err), -1);
    ck_assert_int_eq (err.status, 400);
    json_object_put (obj);
    //  an embedded NUL (\u0000) is not a valid message either
    obj = json_tokener_parse ("{\"message\":\"a\\u0000b\"}");
    ck_assert_ptr_nonnull (obj);
    ck_assert_int_eq (qs_gwreq_validate_chat (obj, &err), -1);
    json_object_put (obj);
}
END_TEST

START_TEST (test_query)
{
    json_object *obj = json_object_new_object ();
    qs_err_t err;
    ck_assert_int_eq (qs_gwreq_add_query (obj, "q=redis+memory&limit=5&category=a%2Fb&q=again&flag",
                                          &err), 0);
    ck_assert_str_eq (qs_json_str (obj, "q", ""), "redis memory");
    ck_assert_str_eq (qs_json_str (obj, "limit", ""), "5");
    ck_assert_str_eq (qs_json_str (obj, "category", ""), "a/b");
    ck_assert_str_eq (qs_json_str (obj, "flag", "x"), "");
    ck_assert_int_eq (qs_gwreq_add_query (obj, NULL, &err), 0);
    ck_assert_int_eq (qs_gwreq_add_query (obj, "", &err), 0);
    ck_assert_int_eq (qs_gwreq_add_query (obj, "&&", &err), 0);
    json_object_put (obj);

    const char *bad[] = { "q=%", "q=%4", "q=%zz", "q=%00", "q=%ff", "=v" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        obj = json_object_new_object ();
        ck_assert_msg (qs_gwreq_add_query (obj, bad[i], &err) == -1, "%s", bad[i]);
        ck_assert_int_eq (err.status, 400);
        json_object_put (obj);
    }
    obj = json_object_new_object ();
    char many[400] = "";
    for (int i = 0; i < 40; i++) {
        char one[16];
        snprintf (one, sizeof one, "k%d=v&", i);
        strncat (many, one, sizeof many - strlen (many) - 1);
    }
    ck_assert_int_eq (qs_gwreq_add_query (obj, many, &err), -1);
    json_object_put (obj);
}
END_TEST

START_TEST (test_params_override)
{
    qs_route_match_t m;
    qs_err_t err;
    ck_assert_int_eq (qs_route_find ("POST", "/api/v1/actions/act9/confirm", &m, NULL, 0, &err), 0);
    json_object *body = json_tokener_parse ("{\"action_id\":\"spoofed\",\"x\":1}");
    ck_assert_int_eq (qs_gwreq_add_params (body, &m), 0);
    ck_assert_str_eq (qs_json_str (body, "action_id", ""), "act9");
    ck_assert_int_eq (qs_json_int (body, "x", 0), 1);
    json_object_put (body);
}
END_TEST

START_TEST (test_error_shape)
{
    qs_err_t err;
    qs_err_set (&err, 413, "payload_too_large", "body over %d bytes", 10);
    char *text = qs_gwreq_error_body (&err, "rid-1");
    json_object *obj = json_tokener_parse (text);
    ck_assert_ptr_nonnull (obj);
    ck_assert_int_eq (json_object_object_length (obj), 1);
    json_object *e = qs_json_get (obj, "error", json_type_object);
    ck_assert_ptr_nonnull (e);
    ck_assert_int_eq (json_object_object_length (e), 3);
    ck_assert_str_eq (qs_json_str (e, "code", ""), "payload_too_large");
    ck_assert_str_eq (qs_json_str (e, "message", ""), "body over 10 bytes");
    ck_assert_str_eq (qs_json_str (e, "request_id", ""), "rid-1");
    json_object_put (obj);
    free (text);

    //  quotes and control characters in a message stay valid JSON
    qs_err_set (&err, 400, NULL, "bad \"thing\"\n\tnext");
    text = qs_gwreq_error_body (&err, NULL);
    obj = json_tokener_parse (text);
    ck_assert_ptr_nonnull (obj);
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "error", json_type_object), "code", ""),
                      "bad_request");
    json_object_put (obj);
    free (text);

    //  a cleared error still renders a 500 shape
    qs_err_clear (&err);
    text = qs_gwreq_error_body (&err, "r");
    obj = json_tokener_parse (text);
    ck_assert_str_eq (qs_json_str (qs_json_get (obj, "error", json_type_object), "code", ""),
                      "internal_error");
    json_object_put (obj);
    free (text);
}
END_TEST

START_TEST (test_origin)
{
    const char *host = "gw.example:8080";
    //  no Origin (not a browser) and the gateway's own origin pass
    ck_assert (qs_gwreq_origin_allowed (NULL, host, NULL));
    ck_assert (qs_gwreq_origin_allowed ("http://gw.example:8080", host, NULL));
    ck_assert (qs_gwreq_origin_allowed ("HTTPS://GW.example:8080", host, ""));
    //  anything else only when listed, exactly
    const char *list = " https://app.example.com ,http://localhost:3000,";
    ck_assert (qs_gwreq_origin_allowed ("https://app.example.com", host, list));
    ck_assert (qs_gwreq_origin_allowed ("http://localhost:3000", host, list));
    const char *refused[] = { "http://evil.example", "null", "", "https://app.example.com.evil",
                              "https://app.example", "http://gw.example:8080.evil", "ftp://gw.example:8080",
                              "http://gw.example", "http://localhost:30001" };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        ck_assert_msg (!qs_gwreq_origin_allowed (refused[i], host, list), "%s", refused[i]);
    ck_assert (!qs_gwreq_origin_allowed ("http://gw.example:8080", NULL, NULL));
    ck_assert (!qs_gwreq_origin_allowed ("http://x", "", ","));
}
END_TEST

START_TEST (test_sse)
{
    ck_assert (qs_gwreq_sse_event_allowed ("intent"));
    ck_assert (qs_gwreq_sse_event_allowed ("step"));
    ck_assert (qs_gwreq_sse_event_allowed ("token"));
    ck_assert (!qs_gwreq_sse_event_allowed ("done"));
    ck_assert (!qs_gwreq_sse_event_allowed ("error"));
    ck_assert (!qs_gwreq_sse_event_allowed ("debug"));
    ck_assert (!qs_gwreq_sse_event_allowed (NULL));
    json_object *data = json_tokener_parse ("{\"text\":\"line1\\nline2\",\"url\":\"a/b\"}");
    char *frame = qs_gwreq_sse_frame ("token", data);
    ck_assert_str_eq (frame, "event: token\ndata: {\"text\":\"line1\\nline2\",\"url\":\"a/b\"}\n\n");
    free (frame);
    json_object_put (data);
    frame = qs_gwreq_sse_frame ("done", NULL);
    ck_assert_str_eq (frame, "event: done\ndata: {}\n\n");
    free (frame);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_gwreq");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_request_id);
    tcase_add_test (tc, test_traceparent);
    tcase_add_test (tc, test_content_type);
    tcase_add_test (tc, test_parse_body);
    tcase_add_test (tc, test_chat_validation);
    tcase_add_test (tc, test_chat_invalid_utf8);
    tcase_add_test (tc, test_query);
    tcase_add_test (tc, test_params_override);
    tcase_add_test (tc, test_error_shape);
    tcase_add_test (tc, test_sse);
    tcase_add_test (tc, test_origin);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
