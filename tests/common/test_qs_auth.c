#include "../qs_test.h"
#include <string.h>
#include "qs_auth.h"
#include "qs_json.h"

START_TEST (test_roundtrip_and_roles)
{
    const char *why;
    json_object *o = qs_json_parse ("{\"sub\":\"u1\",\"org_id\":\"o1\",\"roles\":[\"member\",\"bogus\"],\"token\":\"T\"}", strlen ("{\"sub\":\"u1\",\"org_id\":\"o1\",\"roles\":[\"member\",\"bogus\"],\"token\":\"T\"}"), &why);
    ck_assert_ptr_nonnull (o);
    qs_auth_t a;
    ck_assert_int_eq (qs_auth_from_json (&a, o), 0);
    ck_assert_str_eq (a.tier, "free");
    ck_assert (qs_auth_can_execute (&a));
    ck_assert (!qs_auth_is_admin (&a));
    json_object *back = qs_auth_to_json (&a, false);
    ck_assert_ptr_null (qs_json_get (back, "token", json_type_string));
    ck_assert_str_eq (qs_json_str (back, "org_id", ""), "o1");
    json_object_put (back);
    json_object_put (o);
    o = qs_json_parse ("{\"sub\":\"u1\"}", strlen ("{\"sub\":\"u1\"}"), &why);
    ck_assert_int_eq (qs_auth_from_json (&a, o), -1);
    json_object_put (o);
    o = qs_json_parse ("{\"sub\":\"u\",\"org_id\":\"o\"}", strlen ("{\"sub\":\"u\",\"org_id\":\"o\"}"), &why);
    ck_assert_int_eq (qs_auth_from_json (&a, o), 0);
    ck_assert_uint_eq (a.roles, QS_ROLE_VIEWER);
    ck_assert (!qs_auth_can_execute (&a));
    json_object_put (o);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_auth");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_roundtrip_and_roles);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
