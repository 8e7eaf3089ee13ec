/*  The local extract op: config fields, sizes, negations, references and
    confirmations. */
#include "../qs_test.h"
#include <string.h>
#include "qs_intent_extract.h"
#include "qs_json.h"

static const char *s_pricing_json =
    "{\"tiers\":{\"large\":{\"memory_mb\":4096},\"nano\":{\"memory_mb\":256},"
    "\"medium\":{\"memory_mb\":2048},\"micro\":{\"memory_mb\":512},"
    "\"xlarge\":{\"memory_mb\":8192},\"small\":{\"memory_mb\":1024}}}";
static const char *s_context_json =
    "[{\"id\":\"s1\",\"name\":\"billing-db\",\"service_type\":\"postgresql\"},"
    "{\"id\":\"s2\",\"name\":\"hot-cache\",\"service_type\":\"redis\"},"
    "{\"id\":\"s3\",\"name\":\"audit\",\"service_type\":\"mongodb\"}]";

static json_object *s_pricing, *s_context, *s_reply;

static json_object *
s_parse (const char *text)
{
    const char *why;
    return qs_json_parse (text, strlen (text), &why);
}

static void
s_setup (void)
{
    s_pricing = s_parse (s_pricing_json);
    s_context = s_parse (s_context_json);
    s_reply = NULL;
}

static void
s_teardown (void)
{
    json_object_put (s_pricing);
    json_object_put (s_context);
    json_object_put (s_reply);
}

/*  Extract with the test pricing and context; the reply is kept for the
    field helpers below and freed by the next call or teardown. */
static json_object *
s_ex (const char *message)
{
    json_object_put (s_reply);
    s_reply = qs_intent_extract (message, s_pricing, s_context);
    ck_assert_ptr_nonnull (s_reply);
    return qs_json_get (s_reply, "config", json_type_object);
}

static const char *
s_str (const char *message, const char *field)
{
    return qs_json_str (s_ex (message), field, "");
}

static int
s_flag (const char *message, const char *field)
{
    json_object *c = s_ex (message), *v;
    if (!json_object_object_get_ex (c, field, &v))
        return -1;
    return json_object_get_boolean (v);
}

static const char *
s_ref_name (const char *message)
{
    s_ex (message);
    json_object *ref = qs_json_get (s_reply, "service_ref", json_type_object);
    return ref ? qs_json_str (ref, "name", "?") : "";
}

static const char *
s_confirm (const char *message)
{
    s_ex (message);
    return qs_json_str (s_reply, "confirmation", "");
}

START_TEST (test_service_type_synonyms)
{
    ck_assert_str_eq (s_str ("need a pg instance", "service_type"), "postgresql");
    ck_assert_str_eq (s_str ("psql please", "service_type"), "postgresql");
    ck_assert_str_eq (s_str ("a mongo for docs", "service_type"), "mongodb");
    ck_assert_str_eq (s_str ("set up ES for me", "service_type"), "elasticsearch");
    ck_assert_str_eq (s_str ("an opensearch cluster", "service_type"), "elasticsearch");
    ck_assert_str_eq (s_str ("I want a message queue", "service_type"), "rabbitmq");
    ck_assert_str_eq (s_str ("an amqp broker", "service_type"), "rabbitmq");
    ck_assert_str_eq (s_str ("a cache for tokens", "service_type"), "redis");
    ck_assert_str_eq (s_str ("something for event streaming", "service_type"), "kafka");
    ck_assert_str_eq (s_str ("mariadb 10.11", "service_type"), "mysql");
    /* a product name beats a generic word */
    ck_assert_str_eq (s_str ("a cache, memcached style, but make it kafka", "service_type"), "kafka");
    ck_assert_str_eq (s_str ("hello there", "service_type"), "");
}
END_TEST

START_TEST (test_names)
{
    ck_assert_str_eq (s_str ("create a redis called sessions-v2", "name"), "sessions-v2");
    ck_assert_str_eq (s_str ("postgres named Payments_DB", "name"), "payments-db");
    ck_assert_str_eq (s_str ("make a mongo \"user-profiles\"", "name"), "user-profiles");
    ck_assert_str_eq (s_str ("make a mongo 'catalog'", "name"), "catalog");
    ck_assert_str_eq (s_str ("spin up kafka for clickstream-ingest", "name"), "clickstream-ingest");
    ck_assert_str_eq (s_str ("new redis, name it queue-cache", "name"), "queue-cache");
    /* not names */
    ck_assert_str_eq (s_str ("create a redis for my app", "name"), "");
    ck_assert_str_eq (s_str ("a postgres called \"My DB!\"", "name"), "");
    ck_assert_str_eq (s_str ("what's the uri for billing-db", "name"), "");
    ck_assert_str_eq (s_str ("I don't know what it's called", "name"), "");
}
END_TEST

START_TEST (test_tiers_and_sizes)
{
    ck_assert_str_eq (s_str ("a medium redis", "tier"), "medium");
    ck_assert_str_eq (s_str ("extra large elasticsearch", "tier"), "xlarge");
    ck_assert_str_eq (s_str ("redis with 2GB", "tier"), "medium");
    ck_assert_str_eq (s_str ("redis with 1.5 GB of RAM", "tier"), "medium");
    ck_assert_str_eq (s_str ("a 300 MB cache", "tier"), "micro");
    ck_assert_str_eq (s_str ("four gigs of memory", "tier"), "large");
    ck_assert_str_eq (s_str ("postgres with 256mb", "tier"), "nano");
    ck_assert_int_eq (qs_json_int (s_reply, "memory_mb", 0), 256);
    /* bigger than every tier: no tier, the size is still reported */
    ck_assert_str_eq (s_str ("postgres with 64GB", "tier"), "");
    ck_assert_int_eq (qs_json_int (s_reply, "memory_mb", 0), 65536);
    /* a disk size is not memory */
    ck_assert_str_eq (s_str ("postgres with 100GB disk", "tier"), "");
    ck_assert_int_eq (qs_json_int (s_reply, "memory_mb", 0), 0);
    /* an explicit tier wins over a size */
    ck_assert_str_eq (s_str ("small redis with 4GB", "tier"), "small");
    /* a large number of connections is not a tier */
    ck_assert_str_eq (s_str ("we get a large number of connections", "tier"), "");
}
END_TEST

START_TEST (test_size_without_pricing)
{
    s_reply = qs_intent_extract ("redis with 2 GB", NULL, NULL);
    ck_assert_ptr_nonnull (s_reply);
    json_object *c = qs_json_get (s_reply, "config", json_type_object);
    ck_assert_ptr_null (qs_json_get (c, "tier", json_type_string));
    ck_assert_int_eq (qs_json_int (s_reply, "memory_mb", 0), 2048);
    ck_assert_str_eq (qs_intent_tier_for_memory (s_pricing, 3000), "large");
    ck_assert_ptr_null (qs_intent_tier_for_memory (s_pricing, 10000));
    ck_assert_ptr_null (qs_intent_tier_for_memory (NULL, 100));
}
END_TEST

START_TEST (test_version_replicas_region_env)
{
    ck_assert_str_eq (s_str ("postgres 16 please", "version"), "16");
    ck_assert_str_eq (s_str ("redis 7.2 in prod", "version"), "7.2");
    ck_assert_str_eq (s_str ("pg15 for reports", "version"), "15");
    ck_assert_str_eq (s_str ("mongodb version 7.0", "version"), "7.0");
    ck_assert_str_eq (s_str ("redis 3 replicas", "version"), "");
    ck_assert_str_eq (s_str ("redis 2GB", "version"), "");
    ck_assert_int_eq (qs_json_int (s_ex ("kafka with 3 replicas"), "replicas", 0), 3);
    ck_assert_int_eq (qs_json_int (s_ex ("mongo, three nodes"), "replicas", 0), 3);
    ck_assert_int_eq (qs_json_int (s_ex ("a 5-node elasticsearch"), "replicas", 0), 5);
    ck_assert_int_eq (qs_json_int (s_ex ("replicas: 2"), "replicas", 0), 2);
    ck_assert_int_eq (qs_json_int (s_ex ("postgres with 2 read replicas"), "replicas", 0), 2);
    ck_assert_int_eq (qs_json_int (s_ex ("redis with a replica"), "replicas", 0), 0);
    ck_assert_str_eq (s_str ("in eu-west-1", "region"), "eu-west-1");
    ck_assert_str_eq (s_str ("deploy to ap-southeast-2 please", "region"), "ap-southeast-2");
    ck_assert_str_eq (s_str ("gcp style europe-west4", "region"), "europe-west4");
    ck_assert_str_eq (s_str ("host it in europe", "region"), "eu-west-1");
    ck_assert_str_eq (s_str ("somewhere in Germany", "region"), "eu-central-1");
    ck_assert_str_eq (s_str ("in the US", "region"), "us-east-1");
    ck_assert_str_eq (s_str ("let us know", "region"), "");
    ck_assert_str_eq (s_str ("for production", "environment"), "production");
    ck_assert_str_eq (s_str ("a prod cache", "environment"), "production");
    ck_assert_str_eq (s_str ("staging only", "environment"), "staging");
    ck_assert_str_eq (s_str ("just for dev", "environment"), "development");
    ck_assert_str_eq (s_str ("run a load test tomorrow", "environment"), "");
}
END_TEST

START_TEST (test_flags_and_negations)
{
    ck_assert_int_eq (s_flag ("postgres with high availability", "high_availability"), 1);
    ck_assert_int_eq (s_flag ("make it highly available", "high_availability"), 1);
    ck_assert_int_eq (s_flag ("postgres without HA", "high_availability"), 0);
    ck_assert_int_eq (s_flag ("we don't need high availability", "high_availability"), 0);
    ck_assert_int_eq (s_flag ("a non-ha redis", "high_availability"), 0);
    ck_assert_int_eq (s_flag ("HA off please", "high_availability"), 0);
    ck_assert_int_eq (s_flag ("with backups", "backup_enabled"), 1);
    ck_assert_int_eq (s_flag ("daily backups please", "backup_enabled"), 1);
    ck_assert_int_eq (s_flag ("no backups", "backup_enabled"), 0);
    ck_assert_int_eq (s_flag ("disable backups", "backup_enabled"), 0);
    ck_assert_int_eq (s_flag ("backups are not needed", "backup_enabled"), 0);
    ck_assert_int_eq (s_flag ("HA is off", "high_availability"), 0);
    ck_assert_int_eq (s_flag ("backups not needed", "backup_enabled"), 0);
    ck_assert_int_eq (s_flag ("skip the backups", "backup_enabled"), 0);
    /* one negation covers a list */
    ck_assert_int_eq (s_flag ("no backups or HA", "high_availability"), 0);
    ck_assert_int_eq (s_flag ("without backups and HA", "backup_enabled"), 0);
    /* and stops at a contrast */
    ck_assert_int_eq (s_flag ("no backups but with HA", "high_availability"), 1);
    ck_assert_int_eq (s_flag ("no backups but with HA", "backup_enabled"), 0);
    ck_assert_int_eq (s_flag ("I don't want HA, backups yes", "backup_enabled"), 1);
    ck_assert_int_eq (s_flag ("I don't want backups on it", "backup_enabled"), 0);
    ck_assert_int_eq (s_flag ("backups turned off", "backup_enabled"), 0);
    /* questions don't configure, and silence is unset */
    ck_assert_int_eq (s_flag ("is HA enabled on billing-db?", "high_availability"), -1);
    ck_assert_int_eq (s_flag ("a small redis", "high_availability"), -1);
    ck_assert_int_eq (s_flag ("a small redis", "backup_enabled"), -1);
}
END_TEST

START_TEST (test_missing)
{
    s_ex ("create a redis");
    json_object *m = qs_json_get (s_reply, "missing", json_type_array);
    ck_assert_ptr_nonnull (m);
    ck_assert_int_eq ((int) json_object_array_length (m), 2);
    ck_assert_str_eq (json_object_get_string (json_object_array_get_idx (m, 0)), "name");
    ck_assert_str_eq (json_object_get_string (json_object_array_get_idx (m, 1)), "tier");
    s_ex ("a small redis called x-cache");
    m = qs_json_get (s_reply, "missing", json_type_array);
    ck_assert_int_eq ((int) json_object_array_length (m), 0);
    ck_assert_str_eq (qs_json_str (s_reply, "engine", ""), "local");
}
END_TEST

START_TEST (test_service_refs)
{
    ck_assert_str_eq (s_ref_name ("why is billing-db slow"), "billing-db");
    json_object *ref = qs_json_get (s_reply, "service_ref", json_type_object);
    ck_assert_str_eq (qs_json_str (ref, "id", ""), "s1");
    ck_assert (qs_json_bool (ref, "resolved", false));
    ck_assert_str_eq (s_ref_name ("restart my hot-cache"), "hot-cache");
    ck_assert_str_eq (s_ref_name ("is the cache ok"), "hot-cache");
    ck_assert_str_eq (s_ref_name ("status of my postgres"), "billing-db");
    ck_assert_str_eq (s_ref_name ("how big is it"), "audit");
    ck_assert_str_eq (s_ref_name ("what's its uri"), "audit");
    /* not in the context: unresolved, but still named */
    ck_assert_str_eq (s_ref_name ("my orders-api keeps crashing"), "orders-api");
    ref = qs_json_get (s_reply, "service_ref", json_type_object);
    ck_assert (!qs_json_bool (ref, "resolved", true));
    ck_assert_ptr_null (qs_json_get (ref, "id", json_type_string));
    s_ex ("is my kafka up");
    ref = qs_json_get (s_reply, "service_ref", json_type_object);
    ck_assert_str_eq (qs_json_str (ref, "service_type", ""), "kafka");
    ck_assert_str_eq (qs_json_str (ref, "match", ""), "type");
    /* the new service's name, "call it", region codes and tiers are no reference */
    ck_assert_str_eq (s_ref_name ("create a redis called fresh-cache"), "");
    ck_assert_str_eq (s_ref_name ("ok, call it batch-jobs"), "");
    ck_assert_str_eq (s_ref_name ("an x-large node in us-east-1"), "");
    ck_assert_str_eq (s_ref_name ("spin up a redis and make it fast"), "");
    /* without context a pronoun resolves to nothing */
    json_object_put (s_reply);
    s_reply = qs_intent_extract ("restart it", NULL, NULL);
    ck_assert (json_object_object_get_ex (s_reply, "service_ref", &ref));
    ck_assert_ptr_null (ref);
}
END_TEST

START_TEST (test_confirmations)
{
    const char *yes[] = { "yes", "Y", "go ahead", "Confirm", "do it", "sure", "yes please",
                          "ok, go ahead", "Yep, do it!", "sounds good", "yes, go ahead and create it" };
    const char *no[] = { "no", "N", "cancel", "stop", "don't", "no thanks", "never mind",
                         "Nope.", "cancel it please", "don't do it" };
    const char *none[] = { "yes but make it large", "no, make it medium instead",
                           "what does it cost?", "create a redis", "don't need backups", "",
                           "yes no" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg (strcmp (s_confirm (yes[i]), "yes") == 0, "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg (strcmp (s_confirm (no[i]), "no") == 0, "%s", no[i]);
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        ck_assert_msg (strcmp (s_confirm (none[i]), "none") == 0, "%s", none[i]);
    /* "do it" is the pending action, not a service reference */
    ck_assert_str_eq (s_ref_name ("sure, do it"), "");
}
END_TEST

START_TEST (test_bad_inputs)
{
    json_object *pricing = s_parse ("{\"tiers\":{\"odd\":\"x\",\"big\":{\"memory_mb\":\"9\"}}}");
    json_object *context = s_parse ("[1, \"x\", {\"name\":5}, {}]");
    json_object *r = qs_intent_extract ("make it 1GB and restart it", pricing, context);
    ck_assert_ptr_nonnull (r);
    json_object_put (r);
    r = qs_intent_extract (NULL, NULL, NULL);
    ck_assert_ptr_nonnull (r);
    ck_assert_str_eq (qs_json_str (r, "confirmation", ""), "none");
    json_object_put (r);
    json_object_put (pricing);
    json_object_put (context);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_intent_extract");
    TCase *tc = tcase_create ("core");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_add_test (tc, test_service_type_synonyms);
    tcase_add_test (tc, test_names);
    tcase_add_test (tc, test_tiers_and_sizes);
    tcase_add_test (tc, test_size_without_pricing);
    tcase_add_test (tc, test_version_replicas_region_env);
    tcase_add_test (tc, test_flags_and_negations);
    tcase_add_test (tc, test_missing);
    tcase_add_test (tc, test_service_refs);
    tcase_add_test (tc, test_confirmations);
    tcase_add_test (tc, test_bad_inputs);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
