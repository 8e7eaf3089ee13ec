/*  qs_answer - the assistant's words when no LLM is configured: Markdown
    written from the workflow results (numbers, next steps) and the retrieved
    passages. Each function returns a new string (caller frees) or NULL on
    allocation failure. Inputs are lent. Secrets never appear: connection
    answers show a password placeholder. */
#ifndef QS_ANSWER_H
#define QS_ANSWER_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_config.h"

/*  A provision plan as the answer shows it (everything lent). */
typedef struct {
    const qs_config_t *config;
    bool missing_type;          /* ask which kind of service */
    const char *defaults;       /* the fields filled by defaults, "a, b" or "" */
    bool valid;
    json_object *problems;      /* why not valid: array of strings */
    bool has_estimate;
    double hourly, monthly;
    json_object *service;       /* the created Service, or NULL */
    const char *decision;       /* "", "confirm", "cancel" */
    const char *error;          /* the platform's refusal, "" none */
} qs_answer_plan_t;

/*  Provision: the plan awaiting confirmation, the problems that block it,
    the question for what is missing, the created service, or the failure. */
char *qs_answer_provision (const qs_answer_plan_t *plan);

/*  One service's details (tier, version, status, replicas, HA, backups, cost). */
char *qs_answer_service (json_object *service);

/*  Every service of the org as a table with the total monthly cost. */
char *qs_answer_services (json_object *services);

/*  How to connect: host, port, username, URI and snippets for common clients. */
char *qs_answer_connection (json_object *service);

/*  Which service? candidates: array of Service. what: "diagnose", ... */
char *qs_answer_which (json_object *candidates, const char *what);

/*  A diagnosis (qs_diagnose output) of service, with the org's history
    (array of earlier diagnoses, may be NULL) and knowledge sources (array of
    search results, may be NULL). */
char *qs_answer_diagnosis (json_object *service, json_object *diagnosis, json_object *history,
                           json_object *sources);

/*  A RecommendationResponse in prose and a table. */
char *qs_answer_optimize (json_object *reco);

/*  True when a knowledge result (lent) answers the question: at least a
    third of the question's topic words (not "how", "what", "service") are
    in its title, topic, category or snippet, as words or by their first five
    or six letters (a typo, another form). A question of no topic word fails.
    The general flow drops the results when the best one fails: it says it
    has no page rather than quote one about something else. */
bool qs_answer_grounded (const char *question, json_object *result);

/*  General question: the best passages with their titles, or that no page
    answers it (results NULL or empty). */
char *qs_answer_general (const char *question, json_object *results);

/*  The outcome of a confirmed or cancelled action: error (the platform's
    refusal) and verification (after a fix) may be NULL or "". */
char *qs_answer_action (json_object *action, const char *error, const char *verification,
                        const char *decision);

#endif
