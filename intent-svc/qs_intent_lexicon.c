/*  qs_intent_lexicon - see qs_intent_lexicon.h */
#include "qs_intent_lexicon.h"
#include <ctype.h>
#include <string.h>

typedef struct {
    const char *phrase;
    const char *type;
    int is_explicit;
} s_syn_t;

/*  Longer phrases first so "message queue" wins over "queue". */
static const s_syn_t s_types[] = {
    { "elastic search", "elasticsearch", 1 }, { "rabbit mq", "rabbitmq", 1 },
    { "mongo db", "mongodb", 1 }, { "postgre sql", "postgresql", 1 },
    { "maria db", "mysql", 1 }, { "my sql", "mysql", 1 },
    { "key value store", "redis", 0 }, { "key value", "redis", 0 },
    { "message queue", "rabbitmq", 0 }, { "message queues", "rabbitmq", 0 },
    { "message broker", "rabbitmq", 0 }, { "job queue", "rabbitmq", 0 },
    { "task queue", "rabbitmq", 0 }, { "pub sub", "rabbitmq", 0 },
    { "document database", "mongodb", 0 }, { "document db", "mongodb", 0 },
    { "document store", "mongodb", 0 }, { "relational database", "postgresql", 0 },
    { "sql database", "postgresql", 0 }, { "event streaming", "kafka", 0 },
    { "event stream", "kafka", 0 }, { "streaming platform", "kafka", 0 },
    { "log streaming", "kafka", 0 }, { "commit log", "kafka", 0 }, { "event log", "kafka", 0 },
    { "event bus", "kafka", 0 }, { "event pipeline", "kafka", 0 },
    { "search engine", "elasticsearch", 0 }, { "search cluster", "elasticsearch", 0 },
    { "full text search", "elasticsearch", 0 }, { "search index", "elasticsearch", 0 },
    { "redis", "redis", 1 }, { "valkey", "redis", 1 }, { "keydb", "redis", 1 },
    { "rabbitmq", "rabbitmq", 1 }, { "rabbit", "rabbitmq", 1 }, { "rabbitmqs", "rabbitmq", 1 },
    { "amqp", "rabbitmq", 1 }, { "postgres", "postgresql", 1 },
    { "postgresql", "postgresql", 1 }, { "postgress", "postgresql", 1 },
    { "postgre", "postgresql", 1 }, { "postgresq", "postgresql", 1 },
    { "postgrs", "postgresql", 1 }, { "pg", "postgresql", 1 }, { "psql", "postgresql", 1 },
    { "pgsql", "postgresql", 1 }, { "mongo", "mongodb", 1 }, { "mongodb", "mongodb", 1 },
    { "mongos", "mongodb", 1 }, { "mysql", "mysql", 1 }, { "mariadb", "mysql", 1 },
    { "maria", "mysql", 1 }, { "percona", "mysql", 1 }, { "kafka", "kafka", 1 },
    { "redpanda", "kafka", 1 }, { "elasticsearch", "elasticsearch", 1 },
    { "elastic", "elasticsearch", 1 }, { "opensearch", "elasticsearch", 1 },
    { "es", "elasticsearch", 1 }, { "elasticsearh", "elasticsearch", 1 },
    { "cache", "redis", 0 }, { "caches", "redis", 0 }, { "caching", "redis", 0 },
    { "key-value", "redis", 0 }, { "queue", "rabbitmq", 0 }, { "queues", "rabbitmq", 0 },
    { "mq", "rabbitmq", 0 }, { "pubsub", "rabbitmq", 0 }, { "docdb", "mongodb", 0 },
    { "streaming", "kafka", 0 }, { "search", "elasticsearch", 0 },
};

static int
s_match (const qs_intent_tokens_t *t, int i, const char *phrase)
{
    int n = 0;
    const char *p = phrase;
    while (*p) {
        const char *sp = strchr (p, ' ');
        size_t len = sp ? (size_t) (sp - p) : strlen (p);
        if (i + n >= t->n || strlen (t->tok[i + n]) != len
            || strncmp (t->tok[i + n], p, len) != 0)
            return 0;
        n++;
        p += len;
        while (*p == ' ')
            p++;
    }
    return n;
}

/*  "pg16", "redis7.2": a product name glued to a version. */
static int
s_glued (const char *tok, const char *name)
{
    size_t n = strlen (name);
    return strncmp (tok, name, n) == 0 && tok[n] >= '0' && tok[n] <= '9';
}

const char *
qs_intent_lex_type_at (const qs_intent_tokens_t *t, int i, int *len, int *is_explicit)
{
    if (i < 0 || i >= t->n)
        return NULL;
    for (size_t k = 0; k < sizeof s_types / sizeof s_types[0]; k++) {
        int n = s_match (t, i, s_types[k].phrase);
        if (n == 0 && s_types[k].is_explicit && !strchr (s_types[k].phrase, ' ')
            && strlen (s_types[k].phrase) > 1 && s_glued (t->tok[i], s_types[k].phrase))
            n = 1;
        if (n > 0) {
            if (len)
                *len = n;
            if (is_explicit)
                *is_explicit = s_types[k].is_explicit;
            return s_types[k].type;
        }
    }
    return NULL;
}

const char *
qs_intent_lex_first_type (const qs_intent_tokens_t *t, int *at)
{
    const char *generic = NULL;
    int generic_at = -1;
    for (int i = 0; i < t->n; i++) {
        int len, ex;
        const char *type = qs_intent_lex_type_at (t, i, &len, &ex);
        if (!type)
            continue;
        if (ex) {
            if (at)
                *at = i;
            return type;
        }
        if (!generic) {
            generic = type;
            generic_at = i;
        }
        i += len - 1;
    }
    if (at)
        *at = generic_at;
    return generic;
}

int
qs_intent_lex_has_create_verb (const qs_intent_tokens_t *t)
{
    static const char *verbs[] = {
        "create", "provision", "provison", "provsion", "spin up", "spinup", "spin", "deploy",
        "launch", "setup", "set up", "stand up", "fire up", "instantiate", "allocate",
        "build me", "make me", "make a", "give me a", "get me a", "need a", "need an",
        "want a", "want an", "like a", "like an", "add a", "add an", "order a", "start a",
        "creat", "crate", "i need another", "another"
    };
    for (size_t k = 0; k < sizeof verbs / sizeof verbs[0]; k++)
        if (qs_intent_find_phrase (t, 0, verbs[k]) >= 0)
            return 1;
    return 0;
}

static const s_syn_t s_tiers[] = {
    { "extra large", "xlarge", 1 }, { "x large", "xlarge", 1 }, { "xlarge", "xlarge", 1 },
    { "x-large", "xlarge", 1 }, { "extra-large", "xlarge", 1 }, { "xl", "xlarge", 1 },
    { "nano", "nano", 1 }, { "micro", "micro", 1 }, { "small", "small", 1 },
    { "medium", "medium", 1 }, { "large", "large", 1 }, { "smallest", "nano", 1 },
    { "tiny", "nano", 1 }, { "biggest", "xlarge", 1 }, { "largest", "xlarge", 1 },
};

const char *
qs_intent_lex_tier_at (const qs_intent_tokens_t *t, int i, int *len)
{
    for (size_t k = 0; k < sizeof s_tiers / sizeof s_tiers[0]; k++) {
        int n = s_match (t, i, s_tiers[k].phrase);
        if (n > 0) {
            if (len)
                *len = n;
            return s_tiers[k].type;
        }
    }
    return NULL;
}

int
qs_intent_lex_is_vocabulary (const char *word)
{
    for (size_t k = 0; k < sizeof s_types / sizeof s_types[0]; k++)
        if (strcmp (word, s_types[k].phrase) == 0)
            return 1;
    for (size_t k = 0; k < sizeof s_tiers / sizeof s_tiers[0]; k++)
        if (strcmp (word, s_tiers[k].phrase) == 0)
            return 1;
    return 0;
}

int
qs_intent_lex_is_type (const char *s)
{
    static const char *types[] = { "redis", "rabbitmq", "postgresql", "mongodb", "mysql",
                                   "kafka", "elasticsearch" };
    for (size_t k = 0; s && k < sizeof types / sizeof types[0]; k++)
        if (strcmp (s, types[k]) == 0)
            return 1;
    return 0;
}

int
qs_intent_lex_dashed_name_at (const qs_intent_tokens_t *t, int i)
{
    const char *w = i >= 0 && i < t->n ? t->tok[i] : "";
    const char *dash = strchr (w, '-');
    return dash && dash > w && dash[1] && isalpha ((unsigned char) w[0])
           && !qs_intent_lex_type_at (t, i, NULL, NULL) && !qs_intent_lex_tier_at (t, i, NULL);
}

long
qs_intent_lex_number (const char *w)
{
    static const char *const words[] = { "zero", "one", "two", "three", "four", "five", "six",
                                         "seven", "eight", "nine", "ten", "eleven", "twelve",
                                         NULL };
    for (int k = 0; words[k]; k++)
        if (strcmp (w, words[k]) == 0)
            return k;
    if (strcmp (w, "sixteen") == 0)
        return 16;
    if (strcmp (w, "single") == 0 || strcmp (w, "a") == 0)
        return 1;
    return -1;
}
