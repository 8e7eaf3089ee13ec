/*  The apply op (qs_turn_apply_op, contract section 9) without a broker:
    ids that hold across listings; the proposal as the conversation's
    pending plan ("yes" confirms it, a second apply supersedes it); the
    roles (a viewer and a member's delete: explained, nothing pending);
    404 for an unknown id, another org's id, another user's conversation. */
#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "turn_world.h"
#include "qs_json.h"

static turn_world_t *s_w;
static qs_auth_t s_member, s_colleague, s_viewer, s_admin, s_acme;

static void
s_setup (void)
{
    s_w = turn_world_new ();
    ck_assert_ptr_nonnull (s_w);
    turn_world_auth (s_w, &s_member, "carol", "org-globex", "member");
    turn_world_auth (s_w, &s_colleague, "dave", "org-globex", "member");
    turn_world_auth (s_w, &s_viewer, "vera", "org-globex", "viewer");
    turn_world_auth (s_w, &s_admin, "gina", "org-globex", "admin");
    turn_world_auth (s_w, &s_acme, "alice", "org-acme", "member,admin");
}

static void
s_teardown (void)
{
    turn_world_destroy (&s_w);
}

/*  The org's recommendations (new). */
static json_object *
s_list (const qs_auth_t *auth)
{
    json_object *r = NULL;
    ck_assert_int_eq (turn_world_apply (s_w, auth, NULL, NULL, &r), 200);
    return r;
}

/*  The id of the first recommendation whose type is (negate: is not) type. */
static void
s_pick (const char *type, bool negate, char id[64])
{
    json_object *reco = s_list (&s_member);
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    id[0] = '\0';
    for (size_t i = 0; recs && i < json_object_array_length (recs) && !id[0]; i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        if (!strcmp (qs_json_str (r, "type", ""), type) != negate)
            snprintf (id, 64, "%s", qs_json_str (r, "id", ""));
    }
    json_object_put (reco);
    ck_assert_msg (id[0], "no %s%s recommendation", negate ? "non-" : "", type);
}

static int
s_pending (json_object *r)
{
    json_object *actions = qs_json_get (r, "actions", json_type_array);
    int n = 0;
    for (size_t i = 0; actions && i < json_object_array_length (actions); i++)
        n += !strcmp (qs_json_str (json_object_array_get_idx (actions, i), "status", ""), "pending_confirmation");
    return n;
}

START_TEST (test_ids_hold_and_yes_applies)
{
    json_object *a = s_list (&s_member), *b = s_list (&s_member);
    ck_assert (json_object_equal (a, b));                     /* nothing changed: the same answer, ids too */
    json_object_put (a);
    json_object_put (b);
    char id[64];
    s_pick ("delete_idle", true, id);
    json_object *r = NULL;
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, id, NULL, &r), 200);
    ck_assert_str_eq (qs_json_str (r, "intent", ""), "manage_service");
    ck_assert_double_eq (qs_json_double (qs_json_get (r, "metadata", json_type_object), "confidence", 0), 1.0);
    ck_assert_int_eq (s_pending (r), 1);
    json_object *action = qs_json_path (r, "actions.0");
    ck_assert_str_eq (qs_json_str (action, "type", ""), "update_service");
    ck_assert_ptr_nonnull (qs_json_path (action, "change.after"));
    char conv[64];
    snprintf (conv, sizeof conv, "%s", qs_json_str (r, "conversation_id", ""));
    json_object_put (r);
    /* another user's conversation, even in the org, is not found */
    ck_assert_int_eq (turn_world_apply (s_w, &s_colleague, id, conv, &r), 404);
    json_object_put (r);
    int status = 0;
    r = turn_world_chat (s_w, &s_member, conv, "yes", &status);
    ck_assert_int_eq (status, 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "status", ""), "executed");
    json_object_put (r);
    /* the service changed: the id is gone */
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, id, NULL, &r), 404);
    json_object_put (r);
}
END_TEST

START_TEST (test_a_second_apply_supersedes)
{
    char id[64];
    s_pick ("delete_idle", true, id);
    json_object *r1 = NULL, *r2 = NULL, *c = NULL;
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, id, NULL, &r1), 200);
    const char *conv = qs_json_str (r1, "conversation_id", "");
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, id, conv, &r2), 200);
    ck_assert_str_eq (qs_json_str (r2, "conversation_id", ""), conv);
    const char *first = qs_json_str (qs_json_path (r1, "actions.0"), "id", "");
    ck_assert_str_ne (first, qs_json_str (qs_json_path (r2, "actions.0"), "id", ""));
    ck_assert_int_eq (turn_world_decide (s_w, &s_member, first, "confirm", &c), 409);
    json_object_put (c);
    ck_assert_int_eq (turn_world_decide (s_w, &s_member, qs_json_str (qs_json_path (r2, "actions.0"), "id", ""),
                                         "cancel", &c), 200);
    json_object_put (c);
    json_object_put (r1);
    json_object_put (r2);
}
END_TEST

START_TEST (test_roles_and_strangers)
{
    char id[64], idle[64];
    s_pick ("delete_idle", true, id);
    s_pick ("delete_idle", false, idle);
    json_object *r = NULL;
    /* a viewer and a member's delete: explained, nothing to confirm */
    ck_assert_int_eq (turn_world_apply (s_w, &s_viewer, id, NULL, &r), 200);
    ck_assert_int_eq (s_pending (r), 0);
    ck_assert_ptr_nonnull (strstr (qs_json_str (r, "message", ""), "role"));
    json_object_put (r);
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, idle, NULL, &r), 200);
    ck_assert_int_eq (s_pending (r), 0);
    json_object_put (r);
    /* an admin's delete waits for the name */
    ck_assert_int_eq (turn_world_apply (s_w, &s_admin, idle, NULL, &r), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "actions.0"), "type", ""), "delete_service");
    ck_assert_str_eq (qs_json_str (qs_json_get (r, "metadata", json_type_object), "awaiting", ""), "confirm_name");
    json_object_put (r);
    /* another org's id, an unknown id, a conversation that does not exist */
    ck_assert_int_eq (turn_world_apply (s_w, &s_acme, id, NULL, &r), 404);
    json_object_put (r);
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, "rec-0000000000000000", NULL, &r), 404);
    json_object_put (r);
    ck_assert_int_eq (turn_world_apply (s_w, &s_member, id, "no-such-conversation", &r), 404);
    json_object_put (r);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_apply");
    TCase *tc = tcase_create ("apply");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_ids_hold_and_yes_applies);
    tcase_add_test (tc, test_a_second_apply_supersedes);
    tcase_add_test (tc, test_roles_and_strangers);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
