/*  qs_intent_text - see qs_intent_text.h */
#include "qs_intent_text.h"
#include <ctype.h>
#include <string.h>

static int
s_alnum (unsigned char c)
{
    return isalnum (c) || c >= 0x80;
}

static int
s_is_break (unsigned char c)
{
    return c == ',' || c == '.' || c == ';' || c == '?' || c == '!' || c == ':'
        || c == '(' || c == ')';
}

void
qs_intent_tokenize (const char *text, qs_intent_tokens_t *toks)
{
    toks->n = 0;
    if (!text)
        return;
    size_t len = strnlen (text, QS_INTENT_TEXT_MAX);
    size_t out = 0;
    char pending_brk = 0;
    size_t i = 0;
    while (i < len && toks->n < QS_INTENT_MAX_TOKENS) {
        unsigned char c = (unsigned char) text[i];
        if (!s_alnum (c)) {
            if (s_is_break (c))
                pending_brk = (char) c;
            i++;
            continue;
        }
        size_t start = i;
        int idx = toks->n;
        toks->tok[idx] = toks->buf + out;
        toks->start[idx] = start;
        toks->brk[idx] = pending_brk;
        pending_brk = 0;
        while (i < len) {
            c = (unsigned char) text[i];
            if (s_alnum (c)) {
                toks->buf[out++] = (char) tolower (c);
                i++;
            }
            else if ((c == '-' || c == '.' || c == '_') && i + 1 < len
                     && s_alnum ((unsigned char) text[i + 1]) && i > start) {
                toks->buf[out++] = (char) c;
                i++;
            }
            else if ((c == '\'' ) && i + 1 < len && isalpha ((unsigned char) text[i + 1]))
                i++;                  /* don't -> dont */
            else
                break;
        }
        toks->end[idx] = i;
        toks->buf[out++] = '\0';
        toks->n++;
    }
}

int
qs_intent_tok_is (const qs_intent_tokens_t *toks, int i, const char *word)
{
    return i >= 0 && i < toks->n && strcmp (toks->tok[i], word) == 0;
}

int
qs_intent_word_in (const char *word, const char *const *list)
{
    for (int k = 0; list[k]; k++)
        if (strcmp (word, list[k]) == 0)
            return 1;
    return 0;
}

int
qs_intent_find_phrase (const qs_intent_tokens_t *toks, int from, const char *phrase)
{
    /* the rules ask this hundreds of times a message: compare in place */
    while (*phrase == ' ')
        phrase++;
    if (!*phrase)
        return -1;
    for (int i = from < 0 ? 0 : from; i < toks->n; i++) {
        if (toks->tok[i][0] != *phrase)
            continue;
        const char *p = phrase;
        for (int j = i; j < toks->n; j++) {
            size_t len = strcspn (p, " ");
            if (strncmp (toks->tok[j], p, len) != 0 || toks->tok[j][len] != '\0')
                break;
            p += len;
            while (*p == ' ')
                p++;
            if (!*p)
                return i;
        }
    }
    return -1;
}
