#include "../qs_test.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "qs_chain.h"
#include "qs_jcs.h"
#include "qs_json.h"

//  Expected strings are what ECMAScript's String(number) prints (RFC 8785 3.2.2.3)
static const struct { uint64_t bits; const char *text; } s_numbers[] = {
    { 0x0000000000000000ULL, "0" },
    { 0x8000000000000000ULL, "0" },
    { 0x0000000000000001ULL, "5e-324" },
    { 0x8000000000000001ULL, "-5e-324" },
    { 0x7fefffffffffffffULL, "1.7976931348623157e+308" },
    { 0xffefffffffffffffULL, "-1.7976931348623157e+308" },
    { 0x4340000000000000ULL, "9007199254740992" },
    { 0xc340000000000000ULL, "-9007199254740992" },
    { 0x4430000000000000ULL, "295147905179352830000" },
    { 0x44b52d02c7e14af5ULL, "9.999999999999997e+22" },
    { 0x44b52d02c7e14af6ULL, "1e+23" },
    { 0x44b52d02c7e14af7ULL, "1.0000000000000001e+23" },
    { 0x444b1ae4d6e2ef4eULL, "999999999999999700000" },
    { 0x444b1ae4d6e2ef50ULL, "1e+21" },
    { 0x444b1ae4d6e2ef51ULL, "1.0000000000000001e+21" },
    { 0x3eb0c6f7a0b5ed8cULL, "9.999999999999997e-7" },
    { 0x3eb0c6f7a0b5ed8dULL, "0.000001" },
    { 0x41b3de4355555553ULL, "333333333.3333332" },
    { 0x41b3de4355555554ULL, "333333333.33333325" },
    { 0x41b3de4355555555ULL, "333333333.3333333" },
    { 0x41b3de4355555556ULL, "333333333.3333334" },
    { 0x41b3de4355555557ULL, "333333333.33333343" },
    { 0xbecbf647612f3696ULL, "-0.0000033333333333333333" },
    { 0x43143ff3c1cb0959ULL, "1424953923781206.2" },
    { 0x3ff0000000000000ULL, "1" },
    { 0x400921fb54442d18ULL, "3.141592653589793" },
    { 0x3fb999999999999aULL, "0.1" },
    { 0x4059000000000000ULL, "100" },
};

START_TEST (test_numbers_print_as_ecmascript)
{
    for (size_t i = 0; i < sizeof s_numbers / sizeof s_numbers[0]; i++) {
        double d;
        memcpy (&d, &s_numbers[i].bits, sizeof d);
        char out[40];
        ck_assert_int_eq (qs_jcs_number (d, out, sizeof out), 0);
        ck_assert_str_eq (out, s_numbers[i].text);
    }
    char out[40];
    ck_assert_int_eq (qs_jcs_number (0.0 / 0.0, out, sizeof out), -1);
    ck_assert_int_eq (qs_jcs_number (1.0 / 0.0, out, sizeof out), -1);
}
END_TEST

static char *
s_canon (const char *json)
{
    const char *why = NULL;
    json_object *v = qs_json_parse (json, strlen (json), &why);
    ck_assert_msg (v != NULL, "parse: %s", why ? why : "?");
    qs_err_t err = {0};
    char *text = qs_jcs_serialize (v, &err);
    json_object_put (v);
    return text;
}

START_TEST (test_canonical_form)
{
    //  the sample of RFC 8785 section 3.2.4 (input written with json-c's escapes)
    char *t = s_canon ("{\"numbers\":[1E30,4.50,6,2e-3,0.000000000000000000000000001],"
                       "\"escaping\":\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
                       "\"other\":[null,true,false]}");
    ck_assert_str_eq (t, "{\"escaping\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\","
                         "\"numbers\":[1e+30,4.5,6,0.002,1e-27],\"other\":[null,true,false]}");
    free (t);
    //  nested objects sort too; arrays keep their order; whitespace goes
    t = s_canon ("{ \"b\" : [3, {\"z\":1, \"a\":2}], \"a\" : { \"d\":\"x\", \"c\":null } }");
    ck_assert_str_eq (t, "{\"a\":{\"c\":null,\"d\":\"x\"},\"b\":[3,{\"a\":2,\"z\":1}]}");
    free (t);
}
END_TEST

START_TEST (test_member_names_sort_by_utf16)
{
    //  RFC 8785 3.2.3: U+1F600 (a surrogate pair, D83D) sorts before U+FB33
    //  although its UTF-8 bytes are greater; "\r" before "1" before "a"
    char *t = s_canon ("{\"\xef\xac\xb3\":1,\"\xf0\x9f\x98\x80\":2,\"a\":3,\"1\":4,\"\\r\":5,\"\xc3\xb6\":6}");
    ck_assert_str_eq (t, "{\"\\r\":5,\"1\":4,\"a\":3,\"\xc3\xb6\":6,\"\xf0\x9f\x98\x80\":2,\"\xef\xac\xb3\":1}");
    free (t);
}
END_TEST

START_TEST (test_rejects_what_has_no_canonical_form)
{
    qs_err_t err = {0};
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "bad", json_object_new_string ("\xc3\x28"));
    ck_assert_ptr_null (qs_jcs_serialize (o, &err));
    ck_assert_int_eq (err.status, 422);
    json_object_put (o);
    /* a bad member name right after a two-byte character (found by fuzz_optimize) */
    o = json_object_new_object ();
    json_object_object_add (o, "\xc3\xa9\xe2", json_object_new_int (1));
    ck_assert_ptr_null (qs_jcs_serialize (o, &err));
    ck_assert_int_eq (err.status, 422);
    json_object_put (o);
    o = json_object_new_double (1.0 / 0.0);
    ck_assert_ptr_null (qs_jcs_serialize (o, &err));
    json_object_put (o);
    json_object *deep = json_object_new_array (), *cur = deep;
    for (int i = 0; i < 100; i++) {
        json_object *next = json_object_new_array ();
        json_object_array_add (cur, next);
        cur = next;
    }
    ck_assert_ptr_null (qs_jcs_serialize (deep, &err));
    ck_assert_int_eq (err.status, 400);
    json_object_put (deep);
    //  big integers print as the double they are
    o = json_object_new_int64 (INT64_MAX);
    char *t = qs_jcs_serialize (o, &err);
    ck_assert_str_eq (t, "9223372036854776000");
    free (t);
    json_object_put (o);
}
END_TEST

static json_object *
s_entry (int64_t seq, const char *prev, const char *summary)
{
    json_object *e = json_object_new_object ();
    qs_json_add_int (e, "seq", seq);
    qs_json_add_str (e, "org_id", "org-a");
    qs_json_add_str (e, "event", "proposed");
    qs_json_add_str (e, "summary", summary);
    qs_json_add_double (e, "cost", 12.5);
    qs_json_add_str (e, "prev_hash", prev);
    char hash[QS_CHAIN_HASH_LEN + 1];
    qs_err_t err = {0};
    ck_assert_int_eq (qs_chain_hash (e, hash, &err), 0);
    qs_json_add_str (e, "hash", hash);
    return e;
}

START_TEST (test_chain_detects_every_change)
{
    json_object *a = s_entry (1, "", "first");
    json_object *b = s_entry (2, qs_json_str (a, "hash", ""), "second");
    json_object *c = s_entry (3, qs_json_str (b, "hash", ""), "third");
    //  the hash ignores its own member and is stable
    char h[QS_CHAIN_HASH_LEN + 1];
    qs_err_t err = {0};
    ck_assert_int_eq (qs_chain_hash (b, h, &err), 0);
    ck_assert_str_eq (h, qs_json_str (b, "hash", ""));
    ck_assert_int_eq ((int) strlen (h), 64);

    qs_chain_walk_t walk;
    qs_chain_walk_init (&walk, true);
    ck_assert_int_eq (qs_chain_walk_next (&walk, a, &err), 0);
    ck_assert_int_eq (qs_chain_walk_next (&walk, b, &err), 0);
    ck_assert_int_eq (qs_chain_walk_next (&walk, c, &err), 0);
    ck_assert_int_eq (walk.checked, 3);

    //  a changed summary
    qs_json_add_str (b, "summary", "tampered");
    qs_chain_walk_init (&walk, true);
    ck_assert_int_eq (qs_chain_walk_next (&walk, a, &err), 0);
    ck_assert_int_eq (qs_chain_walk_next (&walk, b, &err), -1);
    ck_assert_str_eq (err.code, "chain_broken");
    ck_assert_ptr_nonnull (strstr (err.message, "entry 2"));
    qs_json_add_str (b, "summary", "second");

    //  a deleted entry: a gap in the full view, a broken link either way
    qs_chain_walk_init (&walk, true);
    ck_assert_int_eq (qs_chain_walk_next (&walk, a, &err), 0);
    ck_assert_int_eq (qs_chain_walk_next (&walk, c, &err), -1);
    qs_chain_walk_init (&walk, false);
    ck_assert_int_eq (qs_chain_walk_next (&walk, a, &err), 0);
    ck_assert_int_eq (qs_chain_walk_next (&walk, c, &err), 0);   /* a member's view may skip */

    //  a rewritten entry with a fresh hash no longer links
    json_object *b2 = s_entry (2, "0000", "forged");
    qs_chain_walk_init (&walk, false);
    ck_assert_int_eq (qs_chain_walk_next (&walk, a, &err), 0);
    ck_assert_int_eq (qs_chain_walk_next (&walk, b2, &err), -1);
    ck_assert_ptr_nonnull (strstr (err.message, "link"));
    json_object_put (a);
    json_object_put (b);
    json_object_put (b2);
    json_object_put (c);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_jcs");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_numbers_print_as_ecmascript);
    tcase_add_test (tc, test_canonical_form);
    tcase_add_test (tc, test_member_names_sort_by_utf16);
    tcase_add_test (tc, test_rejects_what_has_no_canonical_form);
    tcase_add_test (tc, test_chain_detects_every_change);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
