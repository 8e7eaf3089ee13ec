/*  Unit tests: handlers over local requests (no sockets). */
#include "../qs_test.h"
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_worker.h"

static int
s_stream (qs_req_t *req, void *arg)
{
    (void) arg;
    for (int i = 0; i < 3; i++) {
        json_object *data = json_object_new_object ();
        qs_json_add_int (data, "i", i);
        qs_req_partial (req, "tick", &data);
        ck_assert (data == NULL);
    }
    json_object *reply = json_object_new_object ();
    qs_json_add_str (reply, "op", qs_req_op (req));
    qs_json_add_str (reply, "sub", qs_req_auth (req)->sub);
    return qs_req_reply_status (req, 201, &reply);
}

START_TEST (test_local_reply_and_partials)
{
    qs_auth_t auth = {0};
    strcpy (auth.sub, "u1");
    strcpy (auth.org_id, "o1");
    json_object *body = json_object_new_object ();
    qs_req_t *req = qs_req_new_local ("go", body, &auth, 1000);
    json_object_put (body);
    ck_assert (qs_req_body (req) != NULL);
    ck_assert (qs_req_remaining_ms (req) > 0 && qs_req_remaining_ms (req) <= 1000);
    ck_assert (!qs_req_cancelled (req));
    ck_assert_int_eq (qs_req_local_status (req), 0);
    s_stream (req, NULL);
    ck_assert_int_eq (qs_req_local_status (req), 201);
    ck_assert_str_eq (qs_json_str (qs_req_local_reply (req), "sub", ""), "u1");
    json_object *partials = qs_req_local_partials (req);
    ck_assert_int_eq ((int) json_object_array_length (partials), 3);
    json_object *second = json_object_array_get_idx (partials, 1);
    ck_assert_str_eq (qs_json_str (second, "event", ""), "tick");
    ck_assert_int_eq ((int) qs_json_int (qs_json_get (second, "data", json_type_object), "i", -1), 1);
    /* a second answer is refused */
    json_object *again = json_object_new_object ();
    ck_assert_int_eq (qs_req_reply (req, &again), -1);
    ck_assert (again == NULL);
    qs_req_destroy_local (&req);
    ck_assert (req == NULL);
    qs_req_destroy_local (NULL);
}
END_TEST

START_TEST (test_local_fail_and_expiry)
{
    qs_req_t *req = qs_req_new_local ("x", NULL, NULL, 1);
    usleep (5000);
    ck_assert (qs_req_cancelled (req));
    json_object *data = json_object_new_object ();
    ck_assert_int_eq (qs_req_partial (req, "e", &data), -1);   /* expired */
    ck_assert (data == NULL);
    ck_assert_int_eq (qs_req_fail (req, 422, NULL, "bad %s", "thing"), -1);
    ck_assert_int_eq (qs_req_local_status (req), 422);
    json_object *error = qs_json_get (qs_req_local_reply (req), "error", json_type_object);
    ck_assert_str_eq (qs_json_str (error, "code", ""), "unprocessable_entity");
    ck_assert_str_eq (qs_json_str (error, "message", ""), "bad thing");
    ck_assert_str_eq (qs_json_str (error, "request_id", ""), qs_req_id (req));
    qs_req_destroy_local (&req);
}
END_TEST

START_TEST (test_worker_registry)
{
    qs_worker_config_t config = { .service = "svc" };
    qs_worker_t *worker = qs_worker_new (&config);
    ck_assert (worker != NULL);
    ck_assert_int_eq (qs_worker_add_op (worker, "go", s_stream, NULL), 0);
    ck_assert_int_eq (qs_worker_add_op (worker, "go", s_stream, NULL), -1);
    ck_assert_int_eq (qs_worker_add_op (worker, "ping", s_stream, NULL), -1);  /* built in */
    ck_assert_int_eq (qs_worker_add_op (worker, "bad op", s_stream, NULL), -1);
    qs_worker_destroy (&worker);
    ck_assert (worker == NULL);
    qs_worker_config_t bad = { .service = "no spaces" };
    ck_assert (qs_worker_new (&bad) == NULL);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_worker_local");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_local_reply_and_partials);
    tcase_add_test (tc, test_local_fail_and_expiry);
    tcase_add_test (tc, test_worker_registry);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
