/*  qs_help - see qs_help.h */
#include "qs_help.h"
#include "qs_json.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  Words that point at the assistant or open a conversation. */
static const char *const s_cues[] = {
    "you", "your", "yourself", "help", "hi", "hello", "hey", "capabilities", "features",
    "abilities", "assistant", "bot", "commands", NULL
};

/*  Everything else such a question may hold; a word outside this list
    (a topic: "pooling", "kafka", a service name) makes it a real question. */
static const char *const s_filler[] = {
    "a", "able", "about", "actually", "all", "also", "an", "and", "any", "anything", "are",
    "ask", "be", "can", "capable", "could", "do", "does", "else", "exactly", "for", "get",
    "give", "good", "how", "i", "in", "is", "kind", "kinds", "know", "list", "me",
    "morning", "my", "of", "offer", "ok", "okay", "on", "other", "please", "provide",
    "quickspin", "ai", "really", "should", "so", "sort", "start", "started", "stuff",
    "support", "tell", "thanks", "the", "there", "these", "things", "this", "to", "type",
    "types", "us", "use", "we", "what", "whats", "which", "who", "with", "work", "would",
    "here", "skills", "options", "doing", "need", "want", "try", NULL
};

static bool
s_in (const char *word, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp (word, *list))
            return true;
    return false;
}

bool
qs_help_about_assistant (const char *message)
{
    char word[32];
    size_t len = 0, words = 0;
    bool cue = false;
    for (const char *p = message;; p++) {
        unsigned char c = (unsigned char) *p;
        if (isalnum (c) && c < 128) {
            if (len + 1 >= sizeof word)
                return false;           /* no word of such a question is this long */
            word[len++] = (char) tolower (c);
            continue;
        }
        if (c == '\'' && len)
            continue;                   /* "what's" reads as "whats" */
        if (c >= 128)
            return false;               /* another language: the knowledge base reads it */
        if (len) {
            word[len] = '\0';
            len = 0;
            if (++words > 14)
                return false;
            if (s_in (word, s_cues))
                cue = true;
            else if (!s_in (word, s_filler))
                return false;
        }
        if (!c)
            break;
    }
    return cue;
}

/*  Up to three of the caller's service names, for examples. */
static int
s_names (json_object *services, const char **names, int max)
{
    int n = 0;
    for (size_t i = 0; services && i < json_object_array_length (services) && n < max; i++) {
        const char *name = qs_json_str (json_object_array_get_idx (services, i), "name", "");
        if (*name)
            names[n++] = name;
    }
    return n;
}

char *
qs_help_answer (const qs_auth_t *auth, json_object *services)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&text, &len);
    if (!f)
        return NULL;
    const char *names[3] = {NULL, NULL, NULL};
    int n = s_names (services, names, 3);
    size_t total = services ? json_object_array_length (services) : 0;
    bool can_change = qs_auth_can_execute (auth);
    fprintf (f, "I'm QuickSpin AI, the assistant for your managed services (Redis, RabbitMQ, PostgreSQL, "
                "MongoDB, MySQL, Kafka, Elasticsearch). ");
    if (total)
        fprintf (f, "Your organization has %zu service%s%s%s%s%s%s.\n\n", total, total == 1 ? "" : "s",
                 n ? ", among them **" : "", n ? names[0] : "", n > 1 ? "**, **" : "", n > 1 ? names[1] : "",
                 n ? "**" : "");
    else
        fprintf (f, "Your organization has no services yet.\n\n");
    fprintf (f, "What I can do:\n");
    fprintf (f, "- **Create a service**: I plan it, price it and check it against your plan, then create it "
                "when you confirm. *\"I need a small Postgres for staging in eu-west-1\"*\n");
    fprintf (f, "- **Tell you about a service**: its status and how to connect. *\"how do I connect to %s?\"*\n",
             n ? names[0] : "my database");
    fprintf (f, "- **Find out why a service fails** from its pods, events, logs and metrics, with a fix to "
                "confirm. *\"is %s healthy?\"*\n", n > 1 ? names[1] : n ? names[0] : "my cache");
    fprintf (f, "- **Change a running service**: scale, change its tier, turn HA or backups on or off, "
                "restart, delete; always after your confirmation. *\"scale %s to 3 replicas\"*\n",
             n > 2 ? names[2] : n ? names[0] : "my queue");
    fprintf (f, "- **Cut your bill**: idle services, oversized tiers, replicas and HA you don't need, with "
                "their savings. *\"how can I reduce my costs?\"*\n");
    fprintf (f, "- **Answer setup questions** from the platform's documentation. *\"how do I configure "
                "connection pooling?\"*\n\n");
    fprintf (f, "Follow-ups work as in a conversation: *\"is it healthy?\"*, *\"make it large\"*, "
                "*\"do the first one\"*.");
    if (!can_change)
        fprintf (f, " Your role (viewer) can ask, diagnose and see recommendations; creating and changing "
                    "services needs a member or an admin.");
    fprintf (f, "\n");
    if (fclose (f) != 0) {
        free (text);
        return NULL;
    }
    return text;
}
