/*  qs_answer_llm - see qs_answer_llm.h */
#include "qs_answer_llm.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *
s_pending (json_object *actions)
{
    for (size_t i = 0; actions && i < json_object_array_length (actions); i++) {
        json_object *a = json_object_array_get_idx (actions, i);
        if (!strcmp (qs_json_str (a, "status", ""), "pending_confirmation"))
            return a;
    }
    return NULL;
}

bool
qs_answer_llm_applies (const qs_answer_input_t *in)
{
    if (!in->draft || !*in->draft)
        return false;
    json_object *a = s_pending (in->actions);
    return !(a && !strcmp (qs_json_str (a, "type", ""), "provision_service"));
}

char *
qs_answer_llm_confirmation (json_object *actions)
{
    json_object *a = s_pending (actions);
    if (!a)
        return NULL;
    return qs_strdupf ("\n\n---\n**Waiting for your confirmation:** %s. Nothing happens until you "
                       "reply **yes** to go ahead or **no** to cancel.\n",
                       qs_json_str (a, "summary", "the proposed action"));
}

/* ---- checking the model's amounts ---------------------------------------- */

#define S_AMOUNTS_MAX 1024

/*  The number at p ("1,234.50"), or -1 when p holds none; *end_p after it. */
static double
s_number_at (const char *p, const char **end_p)
{
    char digits[64];
    size_t n = 0;
    const char *q = p;
    int dot = 0;
    while (n < sizeof digits - 1) {
        if (isdigit ((unsigned char) *q))
            digits[n++] = *q;
        else if (*q == ',' && n > 0 && isdigit ((unsigned char) q[1]))
            ;                   /* thousands separator */
        else if (*q == '.' && !dot && n > 0 && isdigit ((unsigned char) q[1])) {
            digits[n++] = '.';
            dot = 1;
        }
        else
            break;
        q++;
    }
    digits[n] = '\0';
    *end_p = q;
    return n ? strtod (digits, NULL) : -1;
}

/*  Every number written in text, at most max of them. */
static size_t
s_numbers (const char *text, double *out, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while (*p && n < max) {
        if (isdigit ((unsigned char) *p) && (p == text || !isalnum ((unsigned char) p[-1]))) {
            const char *end;
            double v = s_number_at (p, &end);
            if (v >= 0)
                out[n++] = v;
            p = end;
        }
        else
            p++;
    }
    return n;
}

/*  Dollar amounts of answer that appear nowhere in known: a price or a
    saving the model made up (or computed, which rule 2 forbids). The first
    one goes to first. Count returned. */
static int
s_unknown_amounts (const char *answer, const char *known, char *first, size_t size)
{
    double *values = malloc (S_AMOUNTS_MAX * sizeof *values);
    if (!values)
        return 0;
    size_t n = s_numbers (known, values, S_AMOUNTS_MAX);
    int unknown = 0;
    for (const char *p = strchr (answer, '$'); p; p = strchr (p + 1, '$')) {
        const char *end;
        double v = s_number_at (p + 1, &end);
        if (v < 0)
            continue;
        int found = 0;
        for (size_t i = 0; i < n && !found; i++)
            found = values[i] - v < 0.006 && v - values[i] < 0.006;
        if (!found && unknown++ == 0)
            snprintf (first, size, "%.*s", (int) (end - p), p);
    }
    free (values);
    return unknown;
}

/*  Unknown amounts of answer against the facts and the template. */
static int
s_known_check (const qs_answer_input_t *in, const char *answer, char *first, size_t size)
{
    json_object *facts = qs_answer_prompt_facts (in);
    char *known = facts ? qs_strdupf ("%s\n%s", json_object_to_json_string (facts),
                                      in->draft ? in->draft : "") : NULL;
    json_object_put (facts);
    int n = known && answer ? s_unknown_amounts (answer, known, first, size) : 0;
    free (known);
    return n;
}

typedef struct {
    const qs_answer_llm_call_t *call;
    char *sent;                 /* every byte that reached on_token, in order */
    size_t len;
    FILE *f;                    /* writes into sent */
} s_stream_t;

static int
s_token (const char *text, size_t len, void *arg)
{
    s_stream_t *s = arg;
    if (len == 0)
        return 0;
    fwrite (text, 1, len, s->f);
    fflush (s->f);              /* keeps s->len current */
    return s->call->on_token ? s->call->on_token (text, len, s->call->arg) : 0;
}

static void
s_send (s_stream_t *s, const char *text)
{
    if (text && *text)
        s_token (text, strlen (text), s);
}

char *
qs_answer_llm_write (qs_llm_t *llm, const qs_answer_input_t *in,
                     const qs_answer_llm_call_t *call, qs_err_t *err)
{
    qs_err_clear (err);
    if (!llm || !qs_answer_llm_applies (in))
        return NULL;
    int64_t budget = call->remaining_ms - QS_ANSWER_LLM_RESERVE_MS;
    if (budget < 500) {
        qs_err_set (err, 504, "deadline_exceeded", "no time left for the language model");
        return NULL;
    }
    char *prompt = qs_answer_prompt_load (call->prompt_dir, err);
    json_object *messages = prompt ? qs_answer_prompt_messages (prompt, in, err) : NULL;
    free (prompt);
    if (!messages) {
        qs_warn (call->request_id, "answer-llm: %s", err->message);
        return NULL;
    }
    const char *effort = qs_env_str ("QS_LLM_REASONING_EFFORT", "low");
    qs_llm_request_t req = {
        .messages = messages,
        .max_tokens = QS_ANSWER_LLM_MAX_TOKENS,
        .temperature = 0.2,
        .reasoning_effort = effort && *effort ? effort : NULL,
        .format = QS_LLM_TEXT,
        .deadline_ms = qs_mono_ms () + budget,
        .request_id = call->request_id,
    };
    qs_llm_result_t res = {0};
    s_stream_t s = {call, NULL, 0, NULL};
    s.f = open_memstream (&s.sent, &s.len);
    if (!s.f) {
        json_object_put (messages);
        qs_err_set (err, 500, "internal", "out of memory");
        return NULL;
    }
    int64_t t0 = qs_mono_ms ();
    int rc = qs_llm_chat_stream (llm, &req, s_token, &s, &res, err);
    json_object_put (messages);
    if (rc == 0 && s.len == 0)
        qs_err_set (err, 502, "llm_bad_response", "the model's answer was empty");
    else if (rc == 0 && !strcmp (res.finish_reason, "length")) {
        /* max_tokens ended it mid-way: as incomplete as a broken stream */
        qs_err_set (err, 502, "llm_truncated", "the model's answer hit max_tokens");
        rc = -1;
    }
    if (s.len == 0) {
        qs_warn (call->request_id, "answer-llm: falling back to the template after %lld ms: %s",
                 (long long) (qs_mono_ms () - t0), err->code);
        fclose (s.f);
        free (s.sent);
        qs_llm_result_free (&res);
        return NULL;
    }
    char amount[64] = "";
    if (rc != 0) {
        /* tokens went out and cannot be taken back: complete with the facts */
        qs_warn (call->request_id, "answer-llm: cut off after %zu bytes: %s", s.len, err->code);
        s_send (&s, "\n\n---\n*The written explanation was cut off. Here is the complete answer "
                    "from the analysis:*\n\n");
        s_send (&s, in->draft);
    }
    else if (s_known_check (in, s.sent, amount, sizeof amount) > 0) {
        /* a price the workflow never produced: the exact figures follow */
        qs_err_set (err, 502, "llm_unverified_amount", "the model wrote an amount not in the facts");
        qs_warn (call->request_id, "answer-llm: amount %s is not in the facts", amount);
        s_send (&s, "\n\n---\n*Some figures above could not be checked against the platform. "
                    "The exact numbers from the analysis:*\n\n");
        s_send (&s, in->draft);
    }
    else
        qs_info (call->request_id, "answer-llm: model=%s ms=%lld attempts=%d tokens=%lld",
                 qs_llm_model (llm), (long long) (qs_mono_ms () - t0), res.attempts,
                 (long long) res.completion_tokens);
    char *confirm = qs_answer_llm_confirmation (in->actions);
    s_send (&s, confirm);
    free (confirm);
    qs_llm_result_free (&res);
    if (fclose (s.f) != 0) {
        free (s.sent);
        return qs_strdupf ("%s", in->draft);     /* out of memory: save the facts at least */
    }
    return s.sent;
}
