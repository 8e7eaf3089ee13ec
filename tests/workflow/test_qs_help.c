/*  qs_help: which messages are about the assistant, and the answer's
    examples and role note. */
#include "../qs_test.h"
#include <string.h>
#include "qs_help.h"
#include "qs_json.h"
#include "qs_util.h"

START_TEST (test_about_the_assistant)
{
    const char *yes[] = {
        "What can you do?", "help", "Hi!", "hello there", "how can you help me?",
        "what are your capabilities", "Who are you?", "what else can you do for us",
        "what kind of things can I ask you?", "tell me about yourself", "What's this assistant for?",
        "ok then, what can I do?", "what am I able to do here",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg (qs_help_about_assistant (yes[i]), "'%s' is about the assistant", yes[i]);
    const char *no[] = {
        "what can you tell me about connection pooling?", "can you help me with my redis?",
        "help me create a postgres database", "how do I connect to acme-main-db?",
        "what is this error: OOMKilled", "thanks", "can you do it?", "what can you do with kafka?",
        "what can I do about the OOM kills?", "can I do that",
        "", "qu'est-ce que tu sais faire ?",
        "you you you you you you you you you you you you you you you you",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg (!qs_help_about_assistant (no[i]), "'%s' is not about the assistant", no[i]);
}
END_TEST

START_TEST (test_social_messages)
{
    const struct { const char *text; qs_help_social_t kind; } cases[] = {
        {"thanks!", QS_SOCIAL_THANKS}, {"Thank you so much", QS_SOCIAL_THANKS}, {"great, thanks", QS_SOCIAL_THANKS},
        {"ok", QS_SOCIAL_ACK}, {"cool", QS_SOCIAL_ACK}, {"got it", QS_SOCIAL_ACK}, {"Perfect.", QS_SOCIAL_ACK},
        {"yes", QS_SOCIAL_YES}, {"yep, go ahead", QS_SOCIAL_YES}, {"ok do it", QS_SOCIAL_YES},
        {"no", QS_SOCIAL_NO}, {"never mind", QS_SOCIAL_NO}, {"don't", QS_SOCIAL_NO}, {"no thanks", QS_SOCIAL_THANKS},
        {"bye", QS_SOCIAL_BYE}, {"thanks, see ya later", QS_SOCIAL_BYE},
        /* anything that asks or names something is a request */
        {"is it ok?", QS_SOCIAL_NONE}, {"yes create it", QS_SOCIAL_NONE}, {"thanks, now list my services", QS_SOCIAL_NONE},
        {"no wait, small", QS_SOCIAL_NONE}, {"ok ok ok ok ok ok ok", QS_SOCIAL_NONE}, {"", QS_SOCIAL_NONE},
        {"please", QS_SOCIAL_NONE}, {"merci", QS_SOCIAL_NONE}, {"d\xc3\xa9j\xc3\xa0 ok", QS_SOCIAL_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg (qs_help_social (cases[i].text) == cases[i].kind, "'%s': %d, not %d", cases[i].text,
                       (int) qs_help_social (cases[i].text), (int) cases[i].kind);
    ck_assert (qs_help_social (NULL) == QS_SOCIAL_NONE);
    ck_assert_ptr_null (qs_help_social_answer (QS_SOCIAL_NONE, false, false));
    ck_assert_ptr_null (qs_help_social_answer (QS_SOCIAL_NONE, false, true));
    ck_assert (strstr (qs_help_social_answer (QS_SOCIAL_YES, false, false), "Nothing"));
    ck_assert (strcmp (qs_help_social_answer (QS_SOCIAL_NO, true, false), qs_help_social_answer (QS_SOCIAL_NO, false, false)));
    ck_assert (strstr (qs_help_social_answer (QS_SOCIAL_THANKS, false, true), "still waiting"));
}
END_TEST

static qs_auth_t
s_auth (const char *role)
{
    qs_auth_t a;
    memset (&a, 0, sizeof a);
    qs_strlcpy (a.org_id, "org-x", sizeof a.org_id);
    qs_strlcpy (a.sub, "u", sizeof a.sub);
    a.roles = qs_auth_role_bit (role);
    return a;
}

START_TEST (test_answer_uses_the_callers_services_and_role)
{
    json_object *services = json_object_new_array ();
    const char *names[] = {"ledger-db", "jobs-queue", "session-cache", "search"};
    for (int i = 0; i < 4; i++) {
        json_object *s = json_object_new_object ();
        qs_json_add_str (s, "id", names[i]);
        qs_json_add_str (s, "name", names[i]);
        json_object_array_add (services, s);
    }
    qs_auth_t member = s_auth ("member"), viewer = s_auth ("viewer");
    char *text = qs_help_answer (&member, services);
    ck_assert_ptr_nonnull (strstr (text, "4 services"));
    ck_assert_ptr_nonnull (strstr (text, "how do I connect to ledger-db?"));
    ck_assert_ptr_nonnull (strstr (text, "is jobs-queue healthy?"));
    ck_assert_ptr_nonnull (strstr (text, "scale session-cache to 3 replicas"));
    ck_assert_ptr_null (strstr (text, "viewer"));
    free (text);
    text = qs_help_answer (&viewer, services);
    ck_assert_ptr_nonnull (strstr (text, "Your role (viewer)"));
    free (text);
    /* an org without services: generic examples */
    text = qs_help_answer (&member, NULL);
    ck_assert_ptr_nonnull (strstr (text, "no services yet"));
    ck_assert_ptr_nonnull (strstr (text, "how do I connect to my database?"));
    free (text);
    json_object_put (services);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_help");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_about_the_assistant);
    tcase_add_test (tc, test_social_messages);
    tcase_add_test (tc, test_answer_uses_the_callers_services_and_role);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
