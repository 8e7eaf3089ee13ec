#include "../qs_test.h"
#include <string.h>
#include "qs_json.h"

START_TEST (test_getters_tolerate_everything)
{
    const char *why;
    json_object *o = qs_json_parse ("{\"a\":\"x\",\"n\":3,\"d\":2.5,\"b\":true,\"l\":[{\"k\":\"v\"}]}", strlen ("{\"a\":\"x\",\"n\":3,\"d\":2.5,\"b\":true,\"l\":[{\"k\":\"v\"}]}"), &why);
    ck_assert_ptr_nonnull (o);
    ck_assert_str_eq (qs_json_str (o, "a", "def"), "x");
    ck_assert_str_eq (qs_json_str (o, "n", "def"), "def");     /* wrong type */
    ck_assert_str_eq (qs_json_str (NULL, "a", "def"), "def");
    ck_assert_int_eq (qs_json_int (o, "n", 0), 3);
    ck_assert (qs_json_double (o, "d", 0) == 2.5);
    ck_assert (qs_json_bool (o, "b", false));
    ck_assert_str_eq (json_object_get_string (qs_json_path (o, "l.0.k")), "v");
    ck_assert_ptr_null (qs_json_path (o, "l.1.k"));
    ck_assert_ptr_null (qs_json_path (o, "a.b"));
    json_object_put (o);
}
END_TEST

START_TEST (test_parse_rejects)
{
    const char *why = NULL;
    ck_assert_ptr_null (qs_json_parse ("{\"a\":", strlen ("{\"a\":"), &why));
    ck_assert_ptr_nonnull (why);
    ck_assert_ptr_null (qs_json_parse ("{} x", strlen ("{} x"), &why));
    ck_assert_ptr_nonnull (why);
    char deep[300];
    memset (deep, '[', 200);
    ck_assert_ptr_null (qs_json_parse (deep, 200, &why));
    ck_assert_ptr_null (qs_json_parse ("{'a':1}", 7, &why));
    json_object *num = qs_json_parse ("36", 2, &why);     /* a bare number is a whole value */
    ck_assert_ptr_nonnull (num);
    ck_assert_int_eq (json_object_get_int (num), 36);
    json_object_put (num);
    json_object *big = qs_json_parse ("{\"r\":1e300}", 11, &why);
    ck_assert_int_eq (qs_json_int (big, "r", 7), 7);       /* no integer value: the default */
    json_object_put (big);
    const char *quoted = "{\"a\":\"it's \\\"x\\\"\"}";
    json_object *q = qs_json_parse (quoted, strlen (quoted), &why);
    ck_assert_ptr_nonnull (q);
    ck_assert_str_eq (qs_json_str (q, "a", ""), "it's \"x\"");
    json_object_put (q);
    json_object *o = qs_json_parse ("{} \n", strlen ("{} \n"), &why);
    ck_assert_ptr_nonnull (o);
    json_object_put (o);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_json");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_getters_tolerate_everything);
    tcase_add_test (tc, test_parse_rejects);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
