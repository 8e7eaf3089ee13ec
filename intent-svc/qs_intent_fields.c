/*  qs_intent_fields - see qs_intent_fields.h */
#include "qs_intent_fields.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "qs_intent_text.h"
#include "qs_util.h"

typedef struct {
    const char *phrase;
    const char *region;
} s_place_t;

static const s_place_t s_places[] = {
    /* region codes without their number, as users write them ("eu west") */
    { "eu west", "eu-west-1" }, { "eu central", "eu-central-1" }, { "eu north", "eu-north-1" },
    { "eu south", "eu-south-1" }, { "ap southeast", "ap-southeast-1" },
    { "ap northeast", "ap-northeast-1" }, { "ap south", "ap-south-1" },
    { "ap east", "ap-east-1" }, { "sa east", "sa-east-1" }, { "ca central", "ca-central-1" },
    { "me south", "me-south-1" }, { "af south", "af-south-1" },
    { "in the us", "us-east-1" }, { "in us", "us-east-1" }, { "us east", "us-east-1" },
    { "us west", "us-west-2" }, { "east coast", "us-east-1" }, { "west coast", "us-west-2" },
    { "north america", "us-east-1" }, { "united states", "us-east-1" },
    { "south america", "sa-east-1" }, { "sao paulo", "sa-east-1" },
    { "usa", "us-east-1" }, { "america", "us-east-1" }, { "virginia", "us-east-1" },
    { "ohio", "us-east-2" }, { "california", "us-west-1" }, { "oregon", "us-west-2" },
    { "europe", "eu-west-1" }, { "eu", "eu-west-1" }, { "european", "eu-west-1" },
    { "ireland", "eu-west-1" }, { "dublin", "eu-west-1" }, { "frankfurt", "eu-central-1" },
    { "germany", "eu-central-1" }, { "london", "eu-west-2" }, { "uk", "eu-west-2" },
    { "england", "eu-west-2" }, { "britain", "eu-west-2" }, { "paris", "eu-west-3" },
    { "france", "eu-west-3" }, { "stockholm", "eu-north-1" }, { "sweden", "eu-north-1" },
    { "canada", "ca-central-1" }, { "montreal", "ca-central-1" }, { "toronto", "ca-central-1" },
    { "brazil", "sa-east-1" }, { "asia", "ap-southeast-1" }, { "singapore", "ap-southeast-1" },
    { "sydney", "ap-southeast-2" }, { "australia", "ap-southeast-2" },
    { "tokyo", "ap-northeast-1" }, { "japan", "ap-northeast-1" },
    { "seoul", "ap-northeast-2" }, { "korea", "ap-northeast-2" },
    { "india", "ap-south-1" }, { "mumbai", "ap-south-1" },
};

/*  All lowercase letters (at least min) / all digits (at least one). */
static int
s_letters (const char *s, size_t n, size_t min)
{
    if (n < min)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower ((unsigned char) s[i]))
            return 0;
    return 1;
}

static int
s_digits (const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit ((unsigned char) s[i]))
            return 0;
    return 1;
}

/*  A cloud region code: "us-east-1" (AWS style) or "europe-west1" (GCP). */
static int
s_region_code (const char *w)
{
    static const char *const prefixes[] = { "us", "eu", "ap", "sa", "ca", "me", "af", "il",
                                            "europe", "asia", "australia",
                                            "northamerica", "southamerica", NULL };
    const char *d1 = strchr (w, '-');
    if (!d1 || d1 - w >= 16)
        return 0;
    char prefix[16];
    memcpy (prefix, w, (size_t) (d1 - w));
    prefix[d1 - w] = '\0';
    if (!qs_intent_word_in (prefix, prefixes))
        return 0;
    const char *mid = d1 + 1;
    const char *d2 = strchr (mid, '-');
    if (d2)
        return s_letters (mid, (size_t) (d2 - mid), 3) && s_digits (d2 + 1, strlen (d2 + 1));
    const char *q = mid;
    while (*q && !isdigit ((unsigned char) *q))
        q++;
    return s_letters (mid, (size_t) (q - mid), 3) && s_digits (q, strlen (q));
}

/*  "eu-west", "us-east", "ap-southeast": a region code without its number
    is the place table's region for it ("us-west" as "us west"), else the
    first of its kind ("-1"). 1 when w is one. */
static int
s_partial_code (const char *w, char *out, size_t size)
{
    char code[32];
    size_t n = strlen (w);
    if (n + 3 > sizeof code || !strchr (w, '-') || strchr (w, '-') != strrchr (w, '-'))
        return 0;
    snprintf (code, sizeof code, "%s-1", w);
    if (!s_region_code (code))
        return 0;
    char phrase[32];
    qs_strlcpy (phrase, w, sizeof phrase);
    *strchr (phrase, '-') = ' ';
    for (size_t k = 0; k < sizeof s_places / sizeof s_places[0]; k++)
        if (strcmp (s_places[k].phrase, phrase) == 0) {
            qs_strlcpy (out, s_places[k].region, size);
            return 1;
        }
    qs_strlcpy (out, code, size);
    return 1;
}

void
qs_intent_find_region (const qs_intent_tokens_t *t, char *out, size_t size)
{
    for (int i = 0; i < t->n; i++)
        if (s_region_code (t->tok[i])) {
            qs_strlcpy (out, t->tok[i], size);
            return;
        }
    for (int i = 0; i < t->n; i++)
        if (s_partial_code (t->tok[i], out, size))
            return;
    for (int i = 0; i < t->n; i++)
        for (size_t k = 0; k < sizeof s_places / sizeof s_places[0]; k++) {
            int at = qs_intent_find_phrase (t, i, s_places[k].phrase);
            if (at == i) {
                qs_strlcpy (out, s_places[k].region, size);
                return;
            }
        }
}

const char *
qs_intent_find_env (const qs_intent_tokens_t *t)
{
    static const struct { const char *word, *env; } envs[] = {
        { "production", "production" }, { "prod", "production" }, { "live", "production" },
        { "prd", "production" }, { "staging", "staging" }, { "stage", "staging" },
        { "stg", "staging" }, { "qa", "staging" }, { "uat", "staging" },
        { "preprod", "staging" }, { "pre-prod", "staging" }, { "pre-production", "staging" },
        { "development", "development" }, { "dev", "development" },
        { "develop", "development" }, { "testing", "development" },
        { "sandbox", "development" }, { "test", "development" },
    };
    for (int i = 0; i < t->n; i++)
        for (size_t k = 0; k < sizeof envs / sizeof envs[0]; k++)
            if (strcmp (t->tok[i], envs[k].word) == 0) {
                /* "load test", "test it" are not environments */
                if (strcmp (envs[k].word, "test") == 0
                    && !(qs_intent_tok_is (t, i + 1, "env") || qs_intent_tok_is (t, i + 1, "environment")
                         || qs_intent_tok_is (t, i - 1, "for") || qs_intent_tok_is (t, i - 1, "a")))
                    continue;
                if (strcmp (envs[k].word, "live") == 0 && !qs_intent_tok_is (t, i - 1, "go")
                    && !qs_intent_tok_is (t, i + 1, "environment"))
                    continue;
                return envs[k].env;
            }
    return NULL;
}

static const char *const s_negators[] = {
    "no", "not", "without", "dont", "disable", "disabled", "disabling", "skip", "never",
    "nor", "exclude", "excluding", "remove", "drop", "off", "neither", "none", "doesnt",
    "wont", "arent", "isnt", "w/o", "minus", "turn", NULL
};
/*  Words that end a negation's reach going backwards ("no backups but HA"). */
static const char *const s_scope_end[] = {
    "but", "however", "with", "enable", "enabled", "want", "include", "including", "plus",
    "also", "add", "yes", "though", NULL
};
static const char *const s_after_neg[] = { "off", "disabled", "false", "no", "none",
                                           "unnecessary", "optional", NULL };

/*  1 asked for, 0 negated, -1 not mentioned, for the cue at token i
    spanning len tokens. */
static int
s_polarity (const qs_intent_tokens_t *t, int i, int len)
{
    if (strncmp (t->tok[i], "non-", 4) == 0 || strncmp (t->tok[i], "no-", 3) == 0)
        return 0;
    for (int k = i - 1; k >= 0 && k >= i - 5; k--) {
        if (t->brk[k + 1])
            break;
        if (qs_intent_word_in (t->tok[k], s_scope_end)) {
            /* "don't want backups": the contrast word is itself negated */
            if (k > 0 && !t->brk[k] && qs_intent_word_in (t->tok[k - 1], s_negators))
                return 0;
            break;
        }
        if (qs_intent_word_in (t->tok[k], s_negators)) {
            /* "turn off", but "turn on" */
            if (strcmp (t->tok[k], "turn") == 0)
                continue;
            return 0;
        }
    }
    int j = i + len;
    /* "backups are not needed", "HA is off", "backups turned off" */
    static const char *const links[] = { "are", "is", "turned", "switched", "set", "to",
                                         "be", "should", "can", "left", "kept", NULL };
    while (j < t->n && j < i + len + 3 && !t->brk[j] && qs_intent_word_in (t->tok[j], links))
        j++;
    if (j < t->n && !t->brk[j] && qs_intent_tok_is (t, j, "not")
        && (qs_intent_tok_is (t, j + 1, "needed") || qs_intent_tok_is (t, j + 1, "required")))
        return 0;
    if (j < t->n && qs_intent_word_in (t->tok[j], s_after_neg)
        && !(strcmp (t->tok[j], "no") == 0 && j + 1 < t->n))
        return 0;
    if (j + 1 < t->n && (qs_intent_tok_is (t, j, "isnt") || qs_intent_tok_is (t, j, "arent"))
        && (qs_intent_tok_is (t, j + 1, "needed") || qs_intent_tok_is (t, j + 1, "required")
            || qs_intent_tok_is (t, j + 1, "necessary")))
        return 0;
    return 1;
}

static int
s_find_flag (const qs_intent_tokens_t *t, const char *const *cues)
{
    for (int i = 0; i < t->n; i++)
        for (int k = 0; cues[k]; k++) {
            if (qs_intent_find_phrase (t, i, cues[k]) != i) {
                /* "non-ha", "no-backups" */
                const char *w = t->tok[i];
                if ((strncmp (w, "non-", 4) == 0 && strcmp (w + 4, cues[k]) == 0)
                    || (strncmp (w, "no-", 3) == 0 && strcmp (w + 3, cues[k]) == 0))
                    return 0;
                continue;
            }
            int len = 1;
            for (const char *p = cues[k]; *p; p++)
                len += *p == ' ';
            return s_polarity (t, i, len);
        }
    return -1;
}

void
qs_intent_find_flags (const qs_intent_tokens_t *t, int *ha_p, int *backup_p)
{
    static const char *const ha[] = { "high availability", "highly available", "ha",
                                      "high-availability", "highly-available", "failover",
                                      "multi-az", "multi az", NULL };
    static const char *const backup[] = { "backups", "backup", "backed up", "back it up",
                                          "back up", "snapshots", "snapshot", "pitr",
                                          "point in time recovery", NULL };
    static const char *const question[] = { "is", "are", "does", "do", "has", "have", "did",
                                            "was", "were", "which", "what", "whats", "how", "why", "where",
                                            "when", "who", NULL };
    /* "is HA on for orders-db?" asks; it does not configure */
    *ha_p = *backup_p = -1;
    if (t->n > 0 && qs_intent_word_in (t->tok[0], question))
        return;
    *ha_p = s_find_flag (t, ha);
    *backup_p = s_find_flag (t, backup);
}

