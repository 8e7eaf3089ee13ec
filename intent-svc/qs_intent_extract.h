/*  qs_intent_extract - the local engine's extract op: the ServiceConfig
    fields a message states, which required ones are missing, the service
    it refers to and how it answers a confirmation question.

    Field rules (documented for callers and the LLM prompt alike):
    - service_type: product names and synonyms (pg/psql -> postgresql,
      mongo -> mongodb, ES/elastic/opensearch -> elasticsearch, mariadb ->
      mysql, amqp/"message queue"/queue -> rabbitmq, cache/"key value" ->
      redis, "event streaming"/"commit log" -> kafka); a product name beats
      a generic word.
    - tier: a tier word, else a memory size ("2GB", "512 MB", "4 gigs",
      not a disk size) mapped to the smallest tier of pricing.tiers whose
      memory_mb fits; without pricing the size is only reported as
      memory_mb. An explicit tier word wins over a size.
    - region: a region code (us-east-1, europe-west1) or a place:
      europe/eu/ireland -> eu-west-1, frankfurt/germany -> eu-central-1,
      london/uk -> eu-west-2, paris/france -> eu-west-3, stockholm ->
      eu-north-1, "the us"/virginia/"us east"/"east coast" -> us-east-1,
      ohio -> us-east-2, california -> us-west-1, oregon/"us west"/"west
      coast" -> us-west-2, canada -> ca-central-1, brazil/"south america"
      -> sa-east-1, asia/singapore -> ap-southeast-1, sydney/australia ->
      ap-southeast-2, tokyo/japan -> ap-northeast-1, seoul/korea ->
      ap-northeast-2, india/mumbai -> ap-south-1.
    - environment: production/prod/live, staging/stage/qa/uat/preprod,
      development/dev/testing/sandbox.
    - high_availability, backup_enabled: true when asked for, false when
      negated ("no backups", "without HA", "don't need high availability",
      "disable backups", "backups off"), unset when not mentioned or only
      asked about ("is HA on?").
    - missing: those of service_type, name, tier that were not found. */
#ifndef QS_INTENT_EXTRACT_H
#define QS_INTENT_EXTRACT_H

#include <json-c/json.h>

/*  What an extraction may read besides the message. All lent; any may be
    NULL. */
typedef struct {
    json_object *pricing;     /* {"tiers":{"nano":{"memory_mb":256},..}} */
    json_object *context;     /* [{"id","name","service_type"}] oldest first */
    json_object *services;    /* the org's services [Service] (name matching) */
    json_object *dialogue;    /* the dialogue summary of proto/intent.md */
} qs_intent_extract_in_t;

/*  Extract from message with in (see above). Returns the object of
    qs_intent_extract plus "operation":{...}|null (qs_intent_op_json) and,
    when services or a dialogue are given, a service_ref that may be
    "fuzzy", "ordinal", "list_name", "other" or ambiguous ("candidates").
    New object (caller puts), NULL on allocation failure. */
json_object *qs_intent_extract_with (const char *message, const qs_intent_extract_in_t *in);

/*  Extract from message. pricing ({"tiers":{"nano":{"memory_mb":256},..}})
    and context ([{"id","name","service_type"}], oldest first, the last one
    the most recently mentioned) are lent and may be NULL. Returns
    {"config":{...},"missing":[...],"service_ref":{...}|null,
     "confirmation":"yes|no|none","memory_mb"?:int,"engine":"local"}
    as a new object (caller puts), NULL on allocation failure. */
json_object *qs_intent_extract (const char *message, json_object *pricing,
                                json_object *context);

/*  The smallest tier of pricing whose memory_mb >= memory_mb, or NULL (no
    pricing or nothing big enough). Lent (points into pricing). */
const char *qs_intent_tier_for_memory (json_object *pricing, long memory_mb);

#endif
