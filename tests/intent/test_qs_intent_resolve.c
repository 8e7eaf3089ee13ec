/*  extract with the org's services and a dialogue summary: references
    (forgiving names, ambiguity, ordinals and names over the last list,
    "the other one", by type), manage operations, region spellings,
    explicit names anywhere and settings-only edits. */
#include "../qs_test.h"
#include <string.h>
#include "qs_intent_extract.h"
#include "qs_json.h"

static const char *s_services_json =
    "[{\"id\":\"s1\",\"name\":\"billing-db\",\"service_type\":\"postgresql\"},"
    "{\"id\":\"s2\",\"name\":\"hot-cache\",\"service_type\":\"redis\"},"
    "{\"id\":\"s3\",\"name\":\"orders-db\",\"service_type\":\"postgresql\"},"
    "{\"id\":\"s4\",\"name\":\"orders-dc\",\"service_type\":\"mysql\"},"
    "{\"id\":\"s5\",\"name\":\"events-stream\",\"service_type\":\"kafka\"}]";

static json_object *s_services, *s_reply;

static json_object *
s_parse (const char *text)
{
    const char *why;
    json_object *o = qs_json_parse (text, strlen (text), &why);
    ck_assert_ptr_nonnull (o);
    return o;
}

static void
s_setup (void)
{
    s_services = s_parse (s_services_json);
    s_reply = NULL;
}

static void
s_teardown (void)
{
    json_object_put (s_services);
    json_object_put (s_reply);
}

/*  Extract message with the org's services and dialogue (JSON text or
    NULL); the reply is kept until the next call. */
static json_object *
s_ex (const char *message, const char *dialogue)
{
    json_object *d = dialogue ? s_parse (dialogue) : NULL;
    qs_intent_extract_in_t in = { NULL, NULL, s_services, d };
    json_object_put (s_reply);
    s_reply = qs_intent_extract_with (message, &in);
    json_object_put (d);
    ck_assert_ptr_nonnull (s_reply);
    return s_reply;
}

static json_object *
s_ref (const char *message, const char *dialogue)
{
    return qs_json_get (s_ex (message, dialogue), "service_ref", json_type_object);
}

static void
s_ref_is (const char *message, const char *dialogue, const char *name, const char *match)
{
    json_object *ref = s_ref (message, dialogue);
    ck_assert_msg (ref != NULL, "no reference in '%s'", message);
    ck_assert_str_eq (qs_json_str (ref, "name", "(null)"), name);
    ck_assert_str_eq (qs_json_str (ref, "match", ""), match);
    ck_assert (qs_json_bool (ref, "resolved", 0));
}

static json_object *
s_op (const char *message, const char *dialogue)
{
    return qs_json_get (s_ex (message, dialogue), "operation", json_type_object);
}

static const char *s_subject_orders =
    "{\"subject\":[{\"id\":\"s1\",\"name\":\"billing-db\",\"service_type\":\"postgresql\"},"
    "{\"id\":\"s3\",\"name\":\"orders-db\",\"service_type\":\"postgresql\"}]}";

START_TEST (test_forgiving_names)
{
    s_ref_is ("why is Billing-DB slow", NULL, "billing-db", "name");
    s_ref_is ("what's wrong with billing db", NULL, "billing-db", "name");
    s_ref_is ("restart hot_cache please", NULL, "hot-cache", "name");
    s_ref_is ("is evnts-stream healthy", NULL, "events-stream", "fuzzy");
    s_ref_is ("delete billng-db", NULL, "billing-db", "fuzzy");
    s_ref_is ("scale events stram to 3 replicas", NULL, "events-stream", "fuzzy");
    s_ref_is ("is s5 up", NULL, "events-stream", "id");
    /* one edit from two services: not unique, so candidates and no choice */
    json_object *ref = s_ref ("restart orders-dd", NULL);
    ck_assert_ptr_nonnull (ref);
    ck_assert (!qs_json_bool (ref, "resolved", 1));
    ck_assert_str_eq (qs_json_str (ref, "match", ""), "fuzzy");
    json_object *cands = qs_json_get (ref, "candidates", json_type_array);
    ck_assert_ptr_nonnull (cands);
    ck_assert_int_eq (json_object_array_length (cands), 2);
    /* plain words are not typos of names */
    ck_assert_ptr_null (s_ref ("how do backups work", NULL));
}
END_TEST

START_TEST (test_type_pronoun_other)
{
    /* two postgres in the org, none in the subject: ask */
    json_object *ref = s_ref ("is my postgres healthy", NULL);
    ck_assert_ptr_nonnull (ref);
    ck_assert (!qs_json_bool (ref, "resolved", 1));
    ck_assert_str_eq (qs_json_str (ref, "service_type", ""), "postgresql");
    ck_assert_int_eq (json_object_array_length (qs_json_get (ref, "candidates", json_type_array)), 2);
    /* the subject decides "the database" and "it" */
    s_ref_is ("how big is the database", s_subject_orders, "orders-db", "type");
    s_ref_is ("restart it", s_subject_orders, "orders-db", "pronoun");
    s_ref_is ("and the other one?", s_subject_orders, "billing-db", "other");
    /* one redis in the org: "the cache" is it */
    s_ref_is ("flush the cache", NULL, "hot-cache", "type");
}
END_TEST

START_TEST (test_last_list)
{
    const char *recs =
        "{\"last_list\":{\"kind\":\"recommendations\",\"items\":["
        "{\"id\":\"rec_a\",\"service_id\":\"s2\",\"service_name\":\"hot-cache\",\"type\":\"rightsize\"},"
        "{\"id\":\"rec_b\",\"service_id\":\"s1\",\"service_name\":\"billing-db\",\"type\":\"disable_ha\"}]}}";
    json_object *ref = s_ref ("ok do the first one", recs);
    ck_assert_ptr_nonnull (ref);
    ck_assert_str_eq (qs_json_str (ref, "match", ""), "ordinal");
    ck_assert_int_eq (qs_json_int (ref, "index", -1), 0);
    ck_assert_str_eq (qs_json_str (ref, "id", ""), "s2");
    ref = s_ref ("apply #2", recs);
    ck_assert_int_eq (qs_json_int (ref, "index", -1), 1);
    ck_assert_str_eq (qs_json_str (ref, "name", ""), "billing-db");
    ref = s_ref ("do the billing-db one", recs);
    ck_assert_str_eq (qs_json_str (ref, "match", ""), "list_name");
    ck_assert_int_eq (qs_json_int (ref, "index", -1), 1);
    /* past the end of the list: no ordinal */
    ref = s_ref ("apply #3", recs);
    ck_assert (ref == NULL || strcmp (qs_json_str (ref, "match", ""), "ordinal") != 0);
}
END_TEST

START_TEST (test_operations)
{
    json_object *op = s_op ("scale orders-db to 3 replicas", NULL);
    ck_assert_ptr_nonnull (op);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "scale");
    ck_assert_int_eq (qs_json_int (op, "replicas", 0), 3);
    op = s_op ("please scale it to 4", s_subject_orders);
    ck_assert_int_eq (qs_json_int (op, "replicas", 0), 4);
    op = s_op ("add two more replicas to hot-cache", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "scale");
    ck_assert_int_eq (qs_json_int (op, "delta", 0), 2);
    op = s_op ("upgrade billing-db", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "tier");
    ck_assert_str_eq (qs_json_str (op, "direction", ""), "up");
    op = s_op ("downsize hot-cache", NULL);
    ck_assert_str_eq (qs_json_str (op, "direction", ""), "down");
    op = s_op ("make orders-db large", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "tier");
    ck_assert_str_eq (qs_json_str (op, "tier", ""), "large");
    op = s_op ("turn off HA on billing-db", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "ha");
    ck_assert (!qs_json_bool (op, "enabled", 1));
    op = s_op ("enable backups for hot-cache", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "backups");
    ck_assert (qs_json_bool (op, "enabled", 0));
    op = s_op ("restart events-stream", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "restart");
    op = s_op ("delete orders-db", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "delete");
    /* a new service is no operation, nor are settings of a planned one */
    ck_assert_ptr_null (s_op ("create a postgres with 3 replicas and no backups", NULL));
    const char *planning = "{\"pending\":{\"action_type\":\"provision_service\","
                           "\"config\":{\"service_type\":\"postgresql\"}},"
                           "\"subject\":[{\"id\":\"s3\",\"name\":\"orders-db\"}]}";
    ck_assert_ptr_null (s_op ("make it large", planning));
    ck_assert_ptr_null (qs_json_get (s_reply, "service_ref", json_type_object));
    /* a pending update plan: settings revise the operation */
    op = s_op ("make it xlarge", "{\"pending\":{\"action_type\":\"update_service\"}}");
    ck_assert_str_eq (qs_json_str (op, "tier", ""), "xlarge");
    /* removing a setting is not deleting the service */
    op = s_op ("drop the backups on hot-cache", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "backups");
    ck_assert (!qs_json_bool (op, "enabled", 1));
    op = s_op ("add a replica to events-stream", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "scale");
    ck_assert_int_eq (qs_json_int (op, "delta", 0), 1);
    op = s_op ("remove a replica from orders-db", NULL);
    ck_assert_str_eq (qs_json_str (op, "op", ""), "scale");
    ck_assert_int_eq (qs_json_int (op, "delta", 0), -1);
    /* "make it large" about the subject, a running service */
    op = s_op ("make it large", s_subject_orders);
    ck_assert_str_eq (qs_json_str (op, "tier", ""), "large");
    ck_assert_str_eq (qs_json_str (qs_json_get (s_reply, "service_ref", json_type_object), "name", ""),
                      "orders-db");
    /* while a new service is planned, settings with a verb edit the plan */
    ck_assert_ptr_null (s_op ("make it medium and drop the backups", planning));
    ck_assert_ptr_null (s_op ("scale it to 4", planning));
    ck_assert_int_eq (qs_json_int (qs_json_get (s_reply, "config", json_type_object), "replicas", 0), 4);
    ck_assert_ptr_nonnull (s_op ("delete hot-cache", planning));
    /* "pods restart every minute" is a symptom */
    ck_assert_ptr_null (s_op ("the pods of orders-db restart every minute", NULL));
    ck_assert (json_object_object_get_ex (s_reply, "operation", NULL));
}
END_TEST

static json_object *
s_config (const char *message)
{
    return qs_json_get (s_ex (message, NULL), "config", json_type_object);
}

START_TEST (test_regions_and_names_anywhere)
{
    static const struct { const char *msg, *region; } cases[] = {
        { "a redis in eu-west please", "eu-west-1" }, { "put it in us-east", "us-east-1" },
        { "kafka in eu-central", "eu-central-1" }, { "host it in Frankfurt", "eu-central-1" },
        { "mongo in ap-southeast", "ap-southeast-1" }, { "somewhere eu central", "eu-central-1" },
        { "a pg in us-west", "us-west-2" }, { "in eu-west-1", "eu-west-1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_str_eq (qs_json_str (s_config (cases[i].msg), "region", ""), cases[i].region);
    json_object *c = s_config ("I need a postgres in eu-west-1 with HA, name it ledger-db");
    ck_assert_str_eq (qs_json_str (c, "name", ""), "ledger-db");
    ck_assert_str_eq (qs_json_str (c, "region", ""), "eu-west-1");
    ck_assert (qs_json_bool (c, "high_availability", 0));
    c = s_config ("actually call it ledger-db and put it in eu-west-1");
    ck_assert_str_eq (qs_json_str (c, "name", ""), "ledger-db");
    ck_assert_str_eq (qs_json_str (c, "region", ""), "eu-west-1");
    ck_assert_str_eq (qs_json_str (s_config ("a kafka for events, named audit-log"), "name", ""),
                      "audit-log");
    ck_assert_str_eq (qs_json_str (s_config ("a redis called rate-limiter in prod"), "name", ""),
                      "rate-limiter");
}
END_TEST

START_TEST (test_settings_only_edits)
{
    ck_assert_str_eq (qs_json_str (s_config ("make it large"), "tier", ""), "large");
    ck_assert (qs_json_bool (s_config ("with HA"), "high_availability", 0));
    json_object *c = s_config ("no backups");
    ck_assert (json_object_object_get_ex (c, "backup_enabled", NULL));
    ck_assert (!qs_json_bool (c, "backup_enabled", 1));
    ck_assert_int_eq (qs_json_int (s_config ("3 replicas"), "replicas", 0), 3);
    ck_assert_str_eq (qs_json_str (s_config ("same for staging"), "environment", ""), "staging");
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_resolve");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_forgiving_names);
    tcase_add_test (tc, test_type_pronoun_other);
    tcase_add_test (tc, test_last_list);
    tcase_add_test (tc, test_operations);
    tcase_add_test (tc, test_regions_and_names_anywhere);
    tcase_add_test (tc, test_settings_only_edits);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
