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
    "here", "skills", "options", "doing", "need", "want", "try", "then", "am", NULL
};

static bool
s_in (const char *word, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp (word, *list))
            return true;
    return false;
}

/*  The next lowercase ASCII word of *p into word ("what's" reads "whats"):
    1, 0 at the end, -1 on a word too long for these messages or a non-ASCII
    byte (another language: the knowledge base reads it). */
static int
s_next_word (const char **p, char *word, size_t size)
{
    size_t len = 0;
    for (;; (*p)++) {
        unsigned char c = (unsigned char) **p;
        if (c >= 128)
            return -1;
        if (isalnum (c)) {
            if (len + 1 >= size)
                return -1;
            word[len++] = (char) tolower (c);
        }
        else if (!(c == '\'' && len) && len) {
            word[len] = '\0';
            return 1;
        }
        if (!c)
            return 0;
    }
}

bool
qs_help_about_assistant (const char *message)
{
    char word[32];
    int words = 0, rc;
    bool cue = false, i = false, can = false, act = false;
    const char *p = message;
    while ((rc = s_next_word (&p, word, sizeof word)) == 1) {
        if (++words > 14)
            return false;
        if (s_in (word, s_cues))
            cue = true;
        else if (!s_in (word, s_filler))
            return false;
        i |= !strcmp (word, "i");
        can |= !strcmp (word, "can") || !strcmp (word, "able") || !strcmp (word, "could");
        act |= !strcmp (word, "do") || !strcmp (word, "ask");
    }
    //  "what can I do?": the same question from the user's side
    return rc == 0 && (cue || (i && can && act));
}

/*  Words of a message that only acknowledges, agrees, declines, thanks or
    says goodbye; the kind a word gives (the strongest wins: bye > thanks >
    no > yes > ack). */
static const struct {
    const char *word;
    qs_help_social_t kind;
} s_social[] = {
    {"bye", QS_SOCIAL_BYE}, {"goodbye", QS_SOCIAL_BYE}, {"cya", QS_SOCIAL_BYE}, {"later", QS_SOCIAL_BYE},
    {"thanks", QS_SOCIAL_THANKS}, {"thank", QS_SOCIAL_THANKS}, {"thx", QS_SOCIAL_THANKS},
    {"ty", QS_SOCIAL_THANKS}, {"cheers", QS_SOCIAL_THANKS}, {"appreciated", QS_SOCIAL_THANKS},
    {"no", QS_SOCIAL_NO}, {"nope", QS_SOCIAL_NO}, {"nah", QS_SOCIAL_NO}, {"cancel", QS_SOCIAL_NO},
    {"stop", QS_SOCIAL_NO}, {"never", QS_SOCIAL_NO}, {"forget", QS_SOCIAL_NO}, {"dont", QS_SOCIAL_NO},
    {"yes", QS_SOCIAL_YES}, {"yeah", QS_SOCIAL_YES}, {"yep", QS_SOCIAL_YES}, {"yup", QS_SOCIAL_YES},
    {"sure", QS_SOCIAL_YES}, {"confirm", QS_SOCIAL_YES}, {"confirmed", QS_SOCIAL_YES},
    {"proceed", QS_SOCIAL_YES}, {"go", QS_SOCIAL_YES}, {"ahead", QS_SOCIAL_YES}, {"do", QS_SOCIAL_YES},
    {"ok", QS_SOCIAL_ACK}, {"okay", QS_SOCIAL_ACK}, {"k", QS_SOCIAL_ACK}, {"alright", QS_SOCIAL_ACK},
    {"cool", QS_SOCIAL_ACK}, {"great", QS_SOCIAL_ACK}, {"nice", QS_SOCIAL_ACK}, {"good", QS_SOCIAL_ACK},
    {"perfect", QS_SOCIAL_ACK}, {"awesome", QS_SOCIAL_ACK}, {"fine", QS_SOCIAL_ACK},
    {"excellent", QS_SOCIAL_ACK}, {"got", QS_SOCIAL_ACK}, {"understood", QS_SOCIAL_ACK},
    {"it", QS_SOCIAL_NONE}, {"you", QS_SOCIAL_NONE}, {"so", QS_SOCIAL_NONE}, {"much", QS_SOCIAL_NONE},
    {"very", QS_SOCIAL_NONE}, {"a", QS_SOCIAL_NONE}, {"lot", QS_SOCIAL_NONE}, {"please", QS_SOCIAL_NONE},
    {"mind", QS_SOCIAL_NONE}, {"that", QS_SOCIAL_NONE}, {"thats", QS_SOCIAL_NONE}, {"then", QS_SOCIAL_NONE},
    {"see", QS_SOCIAL_NONE}, {"ya", QS_SOCIAL_NONE}, {"for", QS_SOCIAL_NONE}, {"now", QS_SOCIAL_NONE},
    {"all", QS_SOCIAL_NONE}, {"the", QS_SOCIAL_NONE}, {"help", QS_SOCIAL_NONE}, {"and", QS_SOCIAL_NONE},
};

qs_help_social_t
qs_help_social (const char *message)
{
    char word[16];
    int words = 0, rc;
    qs_help_social_t kind = QS_SOCIAL_NONE;
    const char *p = message ? message : "";
    while ((rc = s_next_word (&p, word, sizeof word)) == 1) {
        if (++words > 6)
            return QS_SOCIAL_NONE;      /* a longer message says something more */
        size_t k = 0, n = sizeof s_social / sizeof s_social[0];
        while (k < n && strcmp (word, s_social[k].word))
            k++;
        if (k == n)
            return QS_SOCIAL_NONE;
        if (s_social[k].kind > kind)
            kind = s_social[k].kind;
    }
    return rc == 0 ? kind : QS_SOCIAL_NONE;
}

const char *
qs_help_social_answer (qs_help_social_t kind, bool question_open, bool plan_waiting)
{
    if (plan_waiting && kind != QS_SOCIAL_NONE)
        return "The plan above is still waiting: reply **yes** to go ahead or **no** to cancel it.\n";
    switch (kind) {
    case QS_SOCIAL_YES:
        return "Nothing in this conversation is waiting for a confirmation. Tell me what you would like "
               "to do, for example *\"list my services\"* or *\"is anything down?\"*.\n";
    case QS_SOCIAL_NO:
        return question_open ? "All right, I will leave it there.\n"
                             : "All right: nothing was waiting for a confirmation, so nothing changes.\n";
    case QS_SOCIAL_THANKS:
        return "You're welcome. Anything else I can do?\n";
    case QS_SOCIAL_BYE:
        return "Goodbye. This conversation is saved: come back to it any time.\n";
    case QS_SOCIAL_ACK:
        return "Good. Anything else I can do?\n";
    default:
        return NULL;
    }
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
