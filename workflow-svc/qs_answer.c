/*  qs_answer - see qs_answer.h. Written with open_memstream: every answer is
    a handful of fprintf calls, easy to read next to the Markdown it makes. */
#include "qs_answer.h"
#include "qs_json.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    FILE *f;
    char *text;
    size_t len;
} out_t;

static int
s_open (out_t *o)
{
    o->text = NULL;
    o->len = 0;
    o->f = open_memstream (&o->text, &o->len);
    return o->f ? 0 : -1;
}

static char *
s_close (out_t *o)
{
    if (fclose (o->f) != 0) {
        free (o->text);
        return NULL;
    }
    return o->text;
}

static const char *
s_yes (json_object *obj, const char *key)
{
    return qs_json_bool (obj, key, false) ? "yes" : "no";
}

static void
s_config_table (FILE *f, const qs_answer_plan_t *p)
{
    const qs_config_t *c = p->config;
    fprintf (f, "| setting | value |\n|---|---|\n");
    fprintf (f, "| service | %s %s |\n", *c->service_type ? c->service_type : "?", c->version);
    fprintf (f, "| name | `%s` |\n", *c->name ? c->name : "?");
    fprintf (f, "| tier | %s |\n", *c->tier ? c->tier : "?");
    fprintf (f, "| replicas | %d |\n", c->replicas > 0 ? c->replicas : 1);
    fprintf (f, "| high availability | %s |\n", c->ha > 0 ? "yes" : "no");
    fprintf (f, "| backups | %s |\n", c->backups > 0 ? "yes" : "no");
    fprintf (f, "| region | %s |\n", *c->region ? c->region : "?");
    fprintf (f, "| environment | %s |\n", *c->environment ? c->environment : "?");
    if (p->has_estimate)
        fprintf (f, "| estimated cost | **$%.2f/month** ($%.4f/hour) |\n", p->monthly, p->hourly);
}

static void
s_list (FILE *f, json_object *arr)
{
    for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
        fprintf (f, "- %s\n", json_object_get_string (json_object_array_get_idx (arr, i)));
}

char *
qs_answer_provision (const qs_answer_plan_t *p)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    json_object *service = p->service;
    if (p->missing_type) {
        fprintf (o.f, "I can set that up. Which kind of service do you need? QuickSpin offers "
                      "**Redis**, **RabbitMQ**, **PostgreSQL**, **MongoDB**, **MySQL**, **Kafka** "
                      "and **Elasticsearch**.\n\nYou can also give a size and options in the same "
                      "sentence, e.g. *\"a 2 GB PostgreSQL 16 for staging with backups\"*.\n");
    }
    else if (service) {
        json_object *conn = qs_json_get (service, "connection", json_type_object);
        fprintf (o.f, "Done: **%s** is being created (status `%s`, id `%s`).\n\n",
                 qs_json_str (service, "name", "?"), qs_json_str (service, "status", "?"),
                 qs_json_str (service, "id", "?"));
        if (conn)
            fprintf (o.f, "It will answer at `%s:%lld` as user `%s`; the password is in the "
                          "QuickSpin console and is never shown here.\n\n",
                     qs_json_str (conn, "host", "?"), (long long) qs_json_int (conn, "port", 0),
                     qs_json_str (conn, "username", "?"));
        fprintf (o.f, "It costs **$%.2f/month**. Provisioning usually takes a minute or two: ask me "
                      "\"is %s ready?\" or \"how do I connect to %s?\".\n",
                 qs_json_double (service, "monthly_cost", p->monthly),
                 qs_json_str (service, "name", "it"), qs_json_str (service, "name", "it"));
    }
    else if (!strcmp (p->decision, "cancel")) {
        fprintf (o.f, "Cancelled: nothing was created.\n");
    }
    else if (*p->error) {
        fprintf (o.f, "The platform refused to create the service: %s\n\nNothing was created; "
                      "you can change the plan and ask again.\n", p->error);
    }
    else if (!p->valid) {
        fprintf (o.f, "I can't create this service as planned:\n\n");
        s_list (o.f, p->problems);
        fprintf (o.f, "\nThe plan was:\n\n");
        s_config_table (o.f, p);
        fprintf (o.f, "\nChange what is blocking it (a smaller tier, no HA, another name) and ask again.\n");
    }
    else {
        fprintf (o.f, "Here is the plan. **Nothing is created until you confirm.**\n\n");
        s_config_table (o.f, p);
        if (*p->defaults)
            fprintf (o.f, "\nI chose defaults for: %s. Say what to change if they don't suit you.\n", p->defaults);
        fprintf (o.f, "\nReply **yes** to create it or **no** to cancel.\n");
    }
    return s_close (&o);
}

static void
s_service_row (FILE *f, json_object *s)
{
    fprintf (f, "| %s | %s %s | %s | %s | %lld | %s | %s | $%.2f |\n", qs_json_str (s, "name", "?"),
             qs_json_str (s, "service_type", "?"), qs_json_str (s, "version", ""),
             qs_json_str (s, "tier", "?"), qs_json_str (s, "status", "?"),
             (long long) qs_json_int (s, "replicas", 1), s_yes (s, "high_availability"),
             s_yes (s, "backup_enabled"), qs_json_double (s, "monthly_cost", 0));
}

char *
qs_answer_service (json_object *s)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    fprintf (o.f, "**%s** is a %s %s service on the **%s** tier, currently **%s**.\n\n",
             qs_json_str (s, "name", "?"), qs_json_str (s, "service_type", "?"),
             qs_json_str (s, "version", ""), qs_json_str (s, "tier", "?"),
             qs_json_str (s, "status", "?"));
    fprintf (o.f, "| | |\n|---|---|\n| id | `%s` |\n| region | %s |\n| environment | %s |\n"
                  "| replicas | %lld |\n| high availability | %s |\n| backups | %s |\n"
                  "| created | %s |\n| cost | $%.2f/month ($%.4f/hour) |\n",
             qs_json_str (s, "id", "?"), qs_json_str (s, "region", "?"),
             qs_json_str (s, "environment", "?"), (long long) qs_json_int (s, "replicas", 1),
             s_yes (s, "high_availability"), s_yes (s, "backup_enabled"),
             qs_json_str (s, "created_at", "?"), qs_json_double (s, "monthly_cost", 0),
             qs_json_double (s, "hourly_cost", 0));
    if (strcmp (qs_json_str (s, "status", ""), "running") != 0)
        fprintf (o.f, "\nIt is not running: ask me to *diagnose %s* to see why.\n", qs_json_str (s, "name", "it"));
    return s_close (&o);
}

char *
qs_answer_services (json_object *services)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    size_t n = services ? json_object_array_length (services) : 0;
    if (n == 0) {
        fprintf (o.f, "You have no services yet. Ask me to create one, e.g. *\"create a small Redis cache\"*.\n");
        return s_close (&o);
    }
    double total = 0;
    fprintf (o.f, "You have %zu service%s:\n\n| name | type | tier | status | replicas | HA | backups | $/month |\n"
                  "|---|---|---|---|---|---|---|---|\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx (services, i);
        s_service_row (o.f, s);
        total += qs_json_double (s, "monthly_cost", 0);
    }
    fprintf (o.f, "\nTotal: **$%.2f/month**.\n", total);
    return s_close (&o);
}

static void
s_snippets (FILE *f, const char *type, const char *host, long long port, const char *user,
            const char *db, const char *uri)
{
    if (!strcmp (type, "redis"))
        fprintf (f, "```sh\nredis-cli -h %s -p %lld --user %s --askpass\n```\n```python\n"
                    "import os, redis\nr = redis.Redis(host=\"%s\", port=%lld, username=\"%s\", "
                    "password=os.environ[\"REDIS_PASSWORD\"])\n```\n", host, port, user, host, port, user);
    else if (!strcmp (type, "postgresql"))
        fprintf (f, "```sh\npsql \"host=%s port=%lld user=%s dbname=%s sslmode=require\"\n```\n"
                    "```python\nimport os, psycopg\nconn = psycopg.connect(host=\"%s\", port=%lld, user=\"%s\", "
                    "dbname=\"%s\", password=os.environ[\"PGPASSWORD\"])\n```\n",
                 host, port, user, db, host, port, user, db);
    else if (!strcmp (type, "mysql"))
        fprintf (f, "```sh\nmysql -h %s -P %lld -u %s -p %s\n```\n```python\nimport os, pymysql\n"
                    "conn = pymysql.connect(host=\"%s\", port=%lld, user=\"%s\", database=\"%s\", "
                    "password=os.environ[\"MYSQL_PASSWORD\"])\n```\n", host, port, user, db, host, port, user, db);
    else if (!strcmp (type, "mongodb"))
        fprintf (f, "```sh\nmongosh \"%s\" --username %s\n```\n```javascript\nconst { MongoClient } = require(\"mongodb\");\n"
                    "const client = new MongoClient(\"%s\", { auth: { username: \"%s\", password: process.env.MONGO_PASSWORD } });\n```\n",
                 uri, user, uri, user);
    else if (!strcmp (type, "rabbitmq"))
        fprintf (f, "```python\nimport os, pika\nparams = pika.ConnectionParameters(host=\"%s\", port=%lld, "
                    "credentials=pika.PlainCredentials(\"%s\", os.environ[\"RABBITMQ_PASSWORD\"]))\n"
                    "connection = pika.BlockingConnection(params)\n```\n", host, port, user);
    else if (!strcmp (type, "kafka"))
        fprintf (f, "```sh\nkcat -b %s:%lld -X security.protocol=SASL_SSL -X sasl.mechanisms=SCRAM-SHA-512 "
                    "-X sasl.username=%s -X sasl.password=\"$KAFKA_PASSWORD\" -L\n```\n", host, port, user);
    else if (!strcmp (type, "elasticsearch"))
        fprintf (f, "```sh\ncurl -u %s:\"$ES_PASSWORD\" https://%s:%lld/_cluster/health\n```\n", user, host, port);
}

char *
qs_answer_connection (json_object *s)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    json_object *c = qs_json_get (s, "connection", json_type_object);
    const char *name = qs_json_str (s, "name", "?");
    if (!c) {
        fprintf (o.f, "**%s** has no connection details yet (status `%s`). They appear once it is running.\n",
                 name, qs_json_str (s, "status", "?"));
        return s_close (&o);
    }
    const char *host = qs_json_str (c, "host", "?"), *user = qs_json_str (c, "username", "?");
    const char *db = qs_json_str (c, "database", "");
    const char *uri = qs_json_str (c, "uri", "");
    long long port = (long long) qs_json_int (c, "port", 0);
    fprintf (o.f, "Connection details for **%s** (%s):\n\n| | |\n|---|---|\n| host | `%s` |\n"
                  "| port | `%lld` |\n| username | `%s` |\n",
             name, qs_json_str (s, "service_type", "?"), host, port, user);
    if (*db)
        fprintf (o.f, "| database | `%s` |\n", db);
    fprintf (o.f, "| URI | `%s` |\n\nThe password is never shown here: read it from the QuickSpin "
                  "console or your secret store and pass it through an environment variable.\n\n",
             uri);
    s_snippets (o.f, qs_json_str (s, "service_type", ""), host, port, user, *db ? db : "postgres", uri);
    if (strcmp (qs_json_str (s, "status", ""), "running") != 0)
        fprintf (o.f, "\nNote: it is `%s` right now, so connections may be refused until it is running.\n",
                 qs_json_str (s, "status", "?"));
    return s_close (&o);
}

char *
qs_answer_which (json_object *candidates, const char *what)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    size_t n = candidates ? json_object_array_length (candidates) : 0;
    if (n == 0) {
        fprintf (o.f, "I couldn't find a matching service in your organization. Ask *\"list my services\"* to see their names.\n");
        return s_close (&o);
    }
    fprintf (o.f, "Which service should I %s? You have:\n\n", what);
    for (size_t i = 0; i < n && i < 20; i++) {
        json_object *s = json_object_array_get_idx (candidates, i);
        fprintf (o.f, "- **%s** (%s, %s, %s)\n", qs_json_str (s, "name", "?"),
                 qs_json_str (s, "service_type", "?"), qs_json_str (s, "tier", "?"),
                 qs_json_str (s, "status", "?"));
    }
    fprintf (o.f, "\nName it in your reply, e.g. *\"%s %s\"*.\n", what,
             qs_json_str (json_object_array_get_idx (candidates, 0), "name", "it"));
    return s_close (&o);
}

static void
s_sources (FILE *f, json_object *sources)
{
    size_t n = sources ? json_object_array_length (sources) : 0;
    if (!n)
        return;
    fprintf (f, "\n**From the knowledge base:**\n");
    for (size_t i = 0; i < n && i < 3; i++) {
        json_object *r = json_object_array_get_idx (sources, i);
        fprintf (f, "- *%s*: %s\n", qs_json_str (r, "title", "?"), qs_json_str (r, "snippet", ""));
    }
}

char *
qs_answer_diagnosis (json_object *service, json_object *diagnosis, json_object *history,
                     json_object *sources)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    const char *name = qs_json_str (service, "name", "the service");
    const char *status = qs_json_str (diagnosis, "status", "unknown");
    json_object *findings = qs_json_get (diagnosis, "findings", json_type_array);
    json_object *recs = qs_json_get (diagnosis, "recommendations", json_type_array);
    json_object *gaps = qs_json_get (diagnosis, "data_gaps", json_type_array);
    if (!strcmp (status, "healthy"))
        fprintf (o.f, "**%s looks healthy.**\n\n", name);
    else if (!strcmp (status, "unknown"))
        fprintf (o.f, "I could not read enough about **%s** to diagnose it.\n\n", name);
    else
        fprintf (o.f, "**%s is %s.** Here is what I found:\n\n", name, status);
    for (size_t i = 0; findings && i < json_object_array_length (findings); i++) {
        json_object *fd = json_object_array_get_idx (findings, i);
        fprintf (o.f, "- **%s** (%s): %s\n", qs_json_str (fd, "code", "?"),
                 qs_json_str (fd, "severity", "?"), qs_json_str (fd, "evidence", ""));
    }
    if (recs && json_object_array_length (recs)) {
        fprintf (o.f, "\n**What to do:**\n");
        for (size_t i = 0; i < json_object_array_length (recs); i++) {
            json_object *r = json_object_array_get_idx (recs, i);
            fprintf (o.f, "%zu. [%s] %s\n", i + 1, qs_json_str (r, "priority", "?"),
                     qs_json_str (r, "description", ""));
        }
    }
    if (history && json_object_array_length (history)) {
        json_object *h = json_object_array_get_idx (history, 0);
        fprintf (o.f, "\n**Last time this happened** (%s, %s): the fix was *%s* and the outcome *%s*.\n",
                 qs_json_str (h, "at", "?"), qs_json_str (h, "service_type", "?"),
                 qs_json_str (h, "fix", "none recorded"), qs_json_str (h, "outcome", "unknown"));
    }
    if (gaps && json_object_array_length (gaps)) {
        fprintf (o.f, "\n*Partial data — this answer is narrower because:*\n");
        s_list (o.f, gaps);
    }
    s_sources (o.f, sources);
    return s_close (&o);
}

char *
qs_answer_optimize (json_object *reco)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    json_object *recs = qs_json_get (reco, "recommendations", json_type_array);
    json_object *ca = qs_json_get (reco, "cost_analysis", json_type_object);
    double total = qs_json_double (ca, "total_monthly_cost", 0);
    double savings = qs_json_double (reco, "total_potential_savings", 0);
    size_t n = recs ? json_object_array_length (recs) : 0;
    fprintf (o.f, "You spend **$%.2f/month** on %lld service%s", total,
             (long long) qs_json_int (ca, "services_analyzed", 0),
             qs_json_int (ca, "services_analyzed", 0) == 1 ? "" : "s");
    json_object *by = qs_json_get (ca, "by_service_type", json_type_object);
    if (by) {
        int first = 1;
        fprintf (o.f, " (");
        json_object_object_foreach (by, type, v) {
            fprintf (o.f, "%s%s $%.2f", first ? "" : ", ", type, json_object_get_double (v));
            first = 0;
        }
        fprintf (o.f, ")");
    }
    fprintf (o.f, ".\n\n");
    if (n == 0) {
        fprintf (o.f, "I found nothing to cut: every service is used and sized for its load.\n");
        return s_close (&o);
    }
    fprintf (o.f, "I found **$%.2f/month** of potential savings (%.0f%%):\n\n"
                  "| priority | service | change | now | after | saves |\n|---|---|---|---|---|---|\n",
             savings, total > 0 ? savings / total * 100 : 0);
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        fprintf (o.f, "| %s | %s | %s | $%.2f | $%.2f | **$%.2f** |\n", qs_json_str (r, "priority", "?"),
                 qs_json_str (r, "service_name", "?"), qs_json_str (r, "type", "?"),
                 qs_json_double (r, "current_monthly_cost", 0),
                 qs_json_double (r, "projected_monthly_cost", 0), qs_json_double (r, "monthly_savings", 0));
    }
    fprintf (o.f, "\nWhy:\n");
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx (recs, i);
        fprintf (o.f, "- **%s** (%s): %s\n", qs_json_str (r, "service_name", "?"),
                 qs_json_str (r, "type", "?"), qs_json_str (r, "description", ""));
    }
    return s_close (&o);
}

/*  Words a question carries that say nothing of its topic. */
static const char *const s_no_topic[] = {
    "am", "an", "as", "at", "be", "by", "do", "go", "if", "in", "is", "it", "me", "my", "no", "of", "ok",
    "on", "or", "so", "to", "up", "us", "we", "about", "after", "again", "also", "and", "any", "are", "best", "can", "could", "did", "does",
    "doing", "done", "explain", "for", "from", "get", "getting", "give", "have", "help", "how",
    "into", "know", "like", "mean", "need", "not", "our", "please", "quickspin", "service",
    "services", "should", "show", "tell", "than", "that", "the", "their", "then", "there", "these",
    "they", "this", "use", "using", "want", "was", "way", "were", "what", "whats", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your", NULL
};

/*  The next lowercase ASCII word of *p (up to size - 1 letters kept), or 0 at the end. */
static size_t
s_word (const char **p, char *w, size_t size)
{
    while (**p && !isalnum ((unsigned char) **p))
        (*p)++;
    size_t n = 0;
    for (; isalnum ((unsigned char) **p) || **p == '\''; (*p)++)
        if (**p != '\'' && n + 1 < size)
            w[n++] = (char) tolower ((unsigned char) **p);
    w[n] = '\0';
    return n;
}

/*  text has a word that is w, or (w of 5 letters or more) starts like it,
    with its first 5 letters (6 from 7 letters: "translate" is not
    "transaction"): "autovacum" finds "autovacuum", "restarting" "restarts". */
static bool
s_text_has (const char *text, const char *w)
{
    size_t len = strlen (w), stem = len < 5 ? len : len < 7 ? 5 : 6;
    char t[48];
    for (const char *p = text; s_word (&p, t, sizeof t);)
        if (len < 5 ? !strcmp (t, w) : !strncmp (t, w, stem))
            return true;
    return false;
}

bool
qs_answer_grounded (const char *question, json_object *result)
{
    char text[2048];
    snprintf (text, sizeof text, "%s %s %s %s", qs_json_str (result, "title", ""), qs_json_str (result, "topic", ""),
              qs_json_str (result, "category", ""), qs_json_str (result, "snippet", ""));
    int words = 0, found = 0;
    char w[48];
    for (const char *p = question ? question : ""; s_word (&p, w, sizeof w);) {
        bool skip = strlen (w) < 2 || isdigit ((unsigned char) w[0]);
        for (int i = 0; !skip && s_no_topic[i]; i++)
            skip = !strcmp (w, s_no_topic[i]);
        if (skip)
            continue;
        words++;
        found += s_text_has (text, w);
    }
    //  a word of the question may be the passage's topic without being in it;
    //  a third of them is the least a real answer shares with the question,
    //  and a question of no topic word has nothing a page could answer
    return words > 0 && found * 3 >= words;
}

char *
qs_answer_general (const char *question, json_object *results)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    size_t n = results ? json_object_array_length (results) : 0;
    (void) question;
    if (n == 0) {
        fprintf (o.f, "I don't have a page about that. I can create services, explain how to connect, "
                      "diagnose a failing service and find savings: try *\"why is my cache restarting?\"* "
                      "or *\"how can I cut my bill?\"*.\n");
        return s_close (&o);
    }
    json_object *best = json_object_array_get_idx (results, 0);
    fprintf (o.f, "From **%s**:\n\n> %s\n", qs_json_str (best, "title", "?"), qs_json_str (best, "snippet", ""));
    if (n > 1) {
        fprintf (o.f, "\nRelated:\n");
        for (size_t i = 1; i < n && i < 3; i++) {
            json_object *r = json_object_array_get_idx (results, i);
            fprintf (o.f, "- *%s*: %s\n", qs_json_str (r, "title", "?"), qs_json_str (r, "snippet", ""));
        }
    }
    return s_close (&o);
}

char *
qs_answer_action (json_object *action, const char *error, const char *verification, const char *decision)
{
    out_t o;
    if (s_open (&o) != 0)
        return NULL;
    if (!strcmp (decision, "cancel"))
        fprintf (o.f, "Cancelled: *%s* was not done.\n", qs_json_str (action, "summary", "the action"));
    else if (error && *error)
        fprintf (o.f, "*%s* failed: %s\n", qs_json_str (action, "summary", "The action"), error);
    else {
        fprintf (o.f, "Done: *%s*.\n", qs_json_str (action, "summary", "the action"));
        if (verification && *verification)
            fprintf (o.f, "\n%s\n", verification);
    }
    return s_close (&o);
}
