/*  qs_kb_text - tokenizer and hashing for the knowledge search. */
#include "qs_kb_text.h"
#include <string.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/*  sorted: looked up by binary search */
static const char *s_stop[] = {
    "a", "about", "after", "all", "an", "and", "any", "are", "as", "at", "be", "by",
    "can", "could", "do", "does", "for", "from", "get", "getting", "got", "has", "have",
    "how", "i", "if", "in", "into", "is", "it", "its", "just", "keep", "keeps", "me",
    "my", "of", "on", "or", "our", "should", "so", "than", "that", "the", "their",
    "them", "then", "there", "these", "this", "to", "was", "we", "what", "when",
    "which", "why", "will", "with", "would", "you", "your",
};

/*  strcmp order between a sorted-table entry and a (w, len) word */
static int
s_cmp_word (const char *entry, const char *w, size_t len)
{
    int c = strncmp (entry, w, len);
    if (c != 0)
        return c;
    return entry[len] != '\0';
}

static bool
s_is_stop (const char *w, size_t len)
{
    if (len > 7)
        return false;
    size_t lo = 0, hi = sizeof s_stop / sizeof *s_stop;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = s_cmp_word (s_stop[mid], w, len);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool
s_ends (const char *w, size_t len, const char *suf)
{
    size_t n = strlen (suf);
    return len > n && memcmp (w + len - n, suf, n) == 0;
}

/*  Words users write for the same thing: short names of the engines and a
    few everyday words for cost. Mapped to one form on both sides. */
static const char *s_alias[][2] = {     /* sorted by the first column */
    { "bill", "cost" }, { "billed", "cost" }, { "billing", "cost" },
    { "cheap", "cost" }, { "cheaper", "cost" }, { "costs", "cost" },
    { "creds", "credential" }, { "downsize", "downgrade" },
    { "elastic", "elasticsearch" }, { "es", "elasticsearch" }, { "expensive", "cost" },
    { "k8s", "kubernetes" }, { "kube", "kubernetes" }, { "mariadb", "mysql" },
    { "money", "cost" }, { "mongo", "mongodb" }, { "opensearch", "elasticsearch" },
    { "passwd", "password" }, { "pg", "postgresql" }, { "postgres", "postgresql" },
    { "psql", "postgresql" }, { "pwd", "password" }, { "rabbit", "rabbitmq" },
    { "spend", "cost" }, { "spending", "cost" }, { "storage", "disk" },
};

static size_t
s_alias_of (char *w, size_t len)
{
    if (len > 10)
        return len;
    size_t lo = 0, hi = sizeof s_alias / sizeof *s_alias;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = s_cmp_word (s_alias[mid][0], w, len);
        if (c == 0) {
            size_t n = strlen (s_alias[mid][1]);
            memcpy (w, s_alias[mid][1], n);
            return n;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return len;
}

/*  A deliberately small stemmer: it only has to map the same word family
    onto one form on both the query and the document side. */
static size_t
s_stem (char *w, size_t len)
{
    bool digits = false;
    for (size_t i = 0; i < len; i++)
        if (w[i] >= '0' && w[i] <= '9')
            digits = true;
    if (digits || len <= 3)
        return len;
    /*  plural first, then verb endings: "savings" -> "saving" -> "sav" */
    if (s_ends (w, len, "ies") && len > 4) {
        w[len - 3] = 'y';
        len -= 2;
    }
    else
    if (s_ends (w, len, "sses"))
        len -= 2;
    else
    if (s_ends (w, len, "s") && !s_ends (w, len, "ss") && !s_ends (w, len, "us")
        && !s_ends (w, len, "is"))
        len -= 1;
    if (s_ends (w, len, "ing") && len > 5)
        len -= 3;
    else
    if (s_ends (w, len, "ed") && len > 4)
        len -= 2;
    /*  "evicting" -> "evict", "running" -> "runn" -> "run" */
    if (len > 3 && w[len - 1] == w[len - 2] && w[len - 1] != 'l' && w[len - 1] != 's'
        && w[len - 1] != 'z' && !(w[len - 1] >= '0' && w[len - 1] <= '9'))
        len -= 1;
    if (len > 3 && w[len - 1] == 'e')
        len -= 1;
    return len;
}

static bool
s_word_byte (unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c >= 0x80;
}

/*  Words joined by '_' or '-' ("crash_loop_backoff", "read-only") also count
    as one compound word, so they meet the same term written as one word
    ("CrashLoopBackOff", "readonly"). */
static bool
s_joiner (const char *text, size_t len, size_t i)
{
    return i + 1 < len && (text[i] == '_' || text[i] == '-') && i > 0
        && s_word_byte ((unsigned char) text[i - 1]) && s_word_byte ((unsigned char) text[i + 1]);
}

size_t
qs_kb_text_tokens_n (const char *text, size_t len, qs_kb_token_fn *fn, void *arg)
{
    if (!text)
        return 0;
    size_t count = 0;
    size_t i = 0;
    char word[QS_KB_TOKEN_MAX + 1];
    char compound[QS_KB_TOKEN_MAX + 1];
    size_t clen = 0;
    int parts = 0;
    bool stop = false;
    while (i < len && !stop) {
        while (i < len && !s_word_byte ((unsigned char) text[i]))
            i++;
        size_t n = 0;
        while (i < len && s_word_byte ((unsigned char) text[i])) {
            char c = text[i++];
            if (c >= 'A' && c <= 'Z')
                c = (char) (c - 'A' + 'a');
            if (n < QS_KB_TOKEN_MAX)
                word[n++] = c;
        }
        if (n == 0)
            continue;
        /*  grow the compound with the raw word */
        size_t take = n < QS_KB_TOKEN_MAX - clen ? n : QS_KB_TOKEN_MAX - clen;
        memcpy (compound + clen, word, take);
        clen += take;
        parts++;
        bool joined = s_joiner (text, len, i);
        if (!s_is_stop (word, n)) {
            n = s_stem (word, s_alias_of (word, n));
            word[n] = '\0';
            count++;
            if (fn && fn (word, n, arg) != 0)
                stop = true;
        }
        if (!joined) {
            if (parts > 1 && !stop) {
                clen = s_stem (compound, clen);
                compound[clen] = '\0';
                count++;
                if (fn && fn (compound, clen, arg) != 0)
                    stop = true;
            }
            clen = 0;
            parts = 0;
        }
    }
    return count;
}

size_t
qs_kb_text_tokens (const char *text, qs_kb_token_fn *fn, void *arg)
{
    return text ? qs_kb_text_tokens_n (text, strlen (text), fn, arg) : 0;
}

uint64_t
qs_kb_hash (const char *s, size_t len, uint64_t seed)
{
    uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char) s[i];
        h *= 1099511628211ULL;
    }
    /*  final mix so low bits are usable as a bucket index */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

#define S_SNIP_TERMS 32

typedef struct {
    char terms[S_SNIP_TERMS][QS_KB_TOKEN_MAX + 1];
    int n;
    bool seen[S_SNIP_TERMS];
    int hits;
} s_snip_t;

static int
s_snip_query (const char *tok, size_t len, void *arg)
{
    s_snip_t *s = arg;
    (void) len;
    for (int i = 0; i < s->n; i++)
        if (strcmp (s->terms[i], tok) == 0)
            return 0;
    memcpy (s->terms[s->n++], tok, len + 1);
    return s->n == S_SNIP_TERMS;
}

static int
s_snip_line (const char *tok, size_t len, void *arg)
{
    s_snip_t *s = arg;
    (void) len;
    for (int i = 0; i < s->n; i++)
        if (!s->seen[i] && strcmp (s->terms[i], tok) == 0) {
            s->seen[i] = true;
            s->hits++;
        }
    return 0;
}

/*  Append src[0..len) to out as plain text: Markdown markers dropped,
    whitespace runs folded. Returns the new length. */
static size_t
s_append_plain (char *out, size_t at, size_t limit, const char *src, size_t len)
{
    size_t i = 0;
    /*  list bullets, heading marks and quote marks at the start of a line */
    while (i < len && (src[i] == '-' || src[i] == '*' || src[i] == '#' || src[i] == '>'
                       || src[i] == ' ' || src[i] == '|'))
        i++;
    if (at > 0 && at < limit && i < len)
        out[at++] = ' ';
    for (; i < len && at < limit; i++) {
        char c = src[i];
        if (c == '`' || c == '*' || c == '\r')
            continue;
        if (c == '\t' || c == '\n' || c == '|')
            c = ' ';
        if (c == ' ' && at > 0 && out[at - 1] == ' ')
            continue;
        out[at++] = c;
    }
    return at;
}

char *
qs_kb_text_snippet (const char *text, const char *query, size_t max_chars,
                    char *out, size_t size)
{
    if (size == 0)
        return out;
    out[0] = '\0';
    if (!text)
        return out;
    if (max_chars + 4 > size)
        max_chars = size - 4;
    s_snip_t s;
    memset (&s, 0, sizeof s);
    qs_kb_text_tokens (query, s_snip_query, &s);
    const char *best = text;
    int best_hits = -1;
    bool fenced = false;
    for (const char *p = text; *p;) {
        const char *eol = strchr (p, '\n');
        size_t len = eol ? (size_t) (eol - p) : strlen (p);
        if (len >= 3 && strncmp (p, "```", 3) == 0)
            fenced = !fenced;
        else
        if (len > 0) {
            memset (s.seen, 0, sizeof s.seen);
            s.hits = 0;
            qs_kb_text_tokens_n (p, len, s_snip_line, &s);
            /*  code lines often hold the exact error text; keep them eligible */
            if (s.hits > best_hits) {
                best_hits = s.hits;
                best = p;
            }
        }
        p = eol ? eol + 1 : p + len;
    }
    /*  from the best line on, as much plain text as fits */
    char *buf = malloc (max_chars + 1);
    if (!buf)
        return out;
    size_t at = 0;
    bool more = false;
    for (const char *p = best; *p;) {
        const char *eol = strchr (p, '\n');
        size_t len = eol ? (size_t) (eol - p) : strlen (p);
        if (!(len >= 3 && strncmp (p, "```", 3) == 0) && len > 0) {
            if (at >= max_chars) {
                more = true;
                break;
            }
            size_t before = at;
            at = s_append_plain (buf, at, max_chars, p, len);
            if (at == max_chars && before + len + 1 > max_chars)
                more = true;
        }
        p = eol ? eol + 1 : p + len;
    }
    /*  prefer ending on a word, and never inside a UTF-8 sequence */
    if (more) {
        size_t word = at;
        while (word > max_chars / 2 && buf[word - 1] != ' ')
            word--;
        if (word > max_chars / 2)
            at = word - 1;
    }
    if (at > 0) {
        size_t j = at - 1;
        while (j > 0 && ((unsigned char) buf[j] & 0xC0) == 0x80)
            j--;
        unsigned char c = (unsigned char) buf[j];
        size_t need = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (j + need > at)
            at = j;
    }
    while (at > 0 && buf[at - 1] == ' ')
        at--;
    buf[at] = '\0';
    snprintf (out, size, "%s%s", buf, more ? "..." : "");
    free (buf);
    return out;
}
