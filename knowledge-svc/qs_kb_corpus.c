/*  qs_kb_corpus - front matter, sections and corpus folders. */
#include "qs_kb_corpus.h"
#include "qs_log.h"
#include "qs_util.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

static const char *s_topics[] = {
    "redis", "rabbitmq", "postgresql", "mongodb", "mysql", "kafka", "elasticsearch",
    "platform", NULL
};
static const char *s_categories[] = { "setup", "common_issues", "best_practices", NULL };

static bool
s_in (const char *const *list, const char *s)
{
    if (!s)
        return false;
    for (int i = 0; list[i]; i++)
        if (strcmp (list[i], s) == 0)
            return true;
    return false;
}

bool
qs_kb_topic_valid (const char *topic)
{
    return s_in (s_topics, topic);
}

bool
qs_kb_category_valid (const char *category)
{
    return s_in (s_categories, category);
}

void
qs_kb_page_clear (qs_kb_page_t *page)
{
    if (!page)
        return;
    free (page->content);
    memset (page, 0, sizeof *page);
}

static bool
s_blank (const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace ((unsigned char) s[i]))
            return false;
    return true;
}

int
qs_kb_page_set (qs_kb_page_t *page, const char *id, const char *title,
                const char *topic, const char *category, const char *content,
                qs_err_t *err)
{
    memset (page, 0, sizeof *page);
    if (!id || !*id || strlen (id) > QS_KB_ID_MAX)
        return qs_err_set (err, 400, "bad_request", "id must be 1..%d characters", QS_KB_ID_MAX);
    if (!title || s_blank (title, strlen (title)) || strlen (title) > QS_KB_TITLE_MAX)
        return qs_err_set (err, 400, "bad_request", "title must be 1..%d characters",
                           QS_KB_TITLE_MAX);
    if (!qs_kb_topic_valid (topic))
        return qs_err_set (err, 400, "bad_request",
                           "topic must be a service type or \"platform\"");
    if (!qs_kb_category_valid (category))
        return qs_err_set (err, 400, "bad_request",
                           "category must be setup, common_issues or best_practices");
    if (!content || s_blank (content, strlen (content)))
        return qs_err_set (err, 400, "bad_request", "content must not be empty");
    if (strlen (content) > QS_KB_CONTENT_MAX)
        return qs_err_set (err, 400, "bad_request", "content is longer than %d bytes",
                           QS_KB_CONTENT_MAX);
    page->content = strdup (content);
    if (!page->content)
        return qs_err_set (err, 500, "internal", "out of memory");
    qs_strlcpy (page->id, id, sizeof page->id);
    qs_strlcpy (page->title, title, sizeof page->title);
    qs_strlcpy (page->topic, topic, sizeof page->topic);
    qs_strlcpy (page->category, category, sizeof page->category);
    return 0;
}

/*  Copy a front matter value: trimmed, surrounding quotes removed. */
static void
s_value (char *dst, size_t size, const char *v, size_t len)
{
    while (len && isspace ((unsigned char) *v)) {
        v++;
        len--;
    }
    while (len && isspace ((unsigned char) v[len - 1]))
        len--;
    if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
        v++;
        len -= 2;
    }
    size_t n = len < size - 1 ? len : size - 1;
    memcpy (dst, v, n);
    dst[n] = '\0';
}

int
qs_kb_page_parse (qs_kb_page_t *page, const char *id, const char *text, size_t len,
                  qs_err_t *err)
{
    memset (page, 0, sizeof *page);
    char title[QS_KB_TITLE_MAX + 2] = "", topic[32] = "", category[32] = "";
    const char *p = text, *end = text + len;
    /*  tolerate a UTF-8 byte order mark */
    if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    if ((size_t) (end - p) < 4 || strncmp (p, "---", 3) != 0 || (p[3] != '\n' && p[3] != '\r'))
        return qs_err_set (err, 400, "bad_request", "%s: no front matter", id);
    const char *first_eol = memchr (p, '\n', (size_t) (end - p));
    if (!first_eol)
        return qs_err_set (err, 400, "bad_request", "%s: front matter is not closed", id);
    p = first_eol + 1;
    bool closed = false;
    while (p < end) {
        const char *eol = memchr (p, '\n', (size_t) (end - p));
        size_t llen = eol ? (size_t) (eol - p) : (size_t) (end - p);
        const char *next = eol ? eol + 1 : end;
        if (llen >= 3 && strncmp (p, "---", 3) == 0 && s_blank (p + 3, llen - 3)) {
            p = next;
            closed = true;
            break;
        }
        const char *colon = memchr (p, ':', llen);
        if (colon) {
            size_t klen = (size_t) (colon - p);
            const char *v = colon + 1;
            size_t vlen = llen - klen - 1;
            if (klen == 5 && strncmp (p, "title", 5) == 0)
                s_value (title, sizeof title, v, vlen);
            else
            if (klen == 5 && strncmp (p, "topic", 5) == 0)
                s_value (topic, sizeof topic, v, vlen);
            else
            if (klen == 8 && strncmp (p, "category", 8) == 0)
                s_value (category, sizeof category, v, vlen);
        }
        p = next;
    }
    if (!closed)
        return qs_err_set (err, 400, "bad_request", "%s: front matter is not closed", id);
    size_t blen = (size_t) (end - p);
    char *body = malloc (blen + 1);
    if (!body)
        return qs_err_set (err, 500, "internal", "out of memory");
    memcpy (body, p, blen);
    body[blen] = '\0';
    int rc = qs_kb_page_set (page, id, title, topic, category, body, err);
    free (body);
    if (rc && err) {
        char msg[sizeof err->message];
        qs_strlcpy (msg, err->message, sizeof msg);
        size_t at = qs_strlcpy (err->message, id, sizeof err->message);
        if (at < sizeof err->message) {
            qs_strlcpy (err->message + at, ": ", sizeof err->message - at);
            at += 2;
        }
        if (at < sizeof err->message)
            qs_strlcpy (err->message + at, msg, sizeof err->message - at);
    }
    return rc;
}

typedef struct {
    qs_kb_section_t *items;
    int n, cap;
} s_sections_t;

static int
s_push (s_sections_t *s, const char *heading, const char *text, size_t len)
{
    while (len && isspace ((unsigned char) *text)) {
        text++;
        len--;
    }
    while (len && isspace ((unsigned char) text[len - 1]))
        len--;
    if (len == 0)
        return 0;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        qs_kb_section_t *items = realloc (s->items, (size_t) cap * sizeof *items);
        if (!items)
            return -1;
        s->items = items;
        s->cap = cap;
    }
    qs_kb_section_t *sec = &s->items[s->n];
    qs_strlcpy (sec->heading, heading, sizeof sec->heading);
    sec->text = malloc (len + 1);
    if (!sec->text)
        return -1;
    memcpy (sec->text, text, len);
    sec->text[len] = '\0';
    s->n++;
    return 0;
}

/*  One heading's text: cut at paragraph breaks when it is long, so a chunk
    stays about one idea. */
static int
s_push_section (s_sections_t *s, const char *heading, const char *text, size_t len)
{
    while (len > QS_KB_SECTION_MAX) {
        size_t cut = 0;
        for (size_t i = QS_KB_SECTION_MAX / 3; i + 1 < QS_KB_SECTION_MAX; i++)
            if (text[i] == '\n' && text[i + 1] == '\n')
                cut = i;
        if (cut == 0)
            for (size_t i = QS_KB_SECTION_MAX / 2; i < QS_KB_SECTION_MAX; i++)
                if (text[i] == '\n' || text[i] == ' ')
                    cut = i;
        if (cut == 0)
            cut = QS_KB_SECTION_MAX;
        if (s_push (s, heading, text, cut))
            return -1;
        text += cut;
        len -= cut;
    }
    return s_push (s, heading, text, len);
}

int
qs_kb_page_sections (const qs_kb_page_t *page, qs_kb_section_t **sections_p)
{
    s_sections_t s = { 0 };
    *sections_p = NULL;
    const char *body = page->content ? page->content : "";
    const char *p = body, *start = body;
    char heading[QS_KB_TITLE_MAX + 1] = "";
    bool fenced = false;
    while (*p) {
        const char *eol = strchr (p, '\n');
        size_t llen = eol ? (size_t) (eol - p) : strlen (p);
        const char *next = eol ? eol + 1 : p + llen;
        if (llen >= 3 && strncmp (p, "```", 3) == 0)
            fenced = !fenced;
        else
        if (!fenced && p[0] == '#') {
            if (s_push_section (&s, heading, start, (size_t) (p - start)))
                goto failed;
            const char *h = p;
            while (h < p + llen && (*h == '#' || *h == ' '))
                h++;
            size_t hlen = (size_t) (p + llen - h);
            s_value (heading, sizeof heading, h, hlen);
            start = next;
        }
        p = next;
    }
    if (s_push_section (&s, heading, start, (size_t) (p - start)))
        goto failed;
    *sections_p = s.items;
    return s.n;
failed:
    qs_kb_sections_free (&s.items, s.n);
    return -1;
}

void
qs_kb_sections_free (qs_kb_section_t **sections_p, int n)
{
    if (!sections_p || !*sections_p)
        return;
    for (int i = 0; i < n; i++)
        free ((*sections_p)[i].text);
    free (*sections_p);
    *sections_p = NULL;
}

static int
s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static char *
s_read_file (const char *path, size_t *len)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    if (fseek (f, 0, SEEK_END) == 0) {
        long size = ftell (f);
        if (size >= 0 && size <= QS_KB_CONTENT_MAX + 4096 && fseek (f, 0, SEEK_SET) == 0) {
            buf = malloc ((size_t) size + 1);
            if (buf && fread (buf, 1, (size_t) size, f) == (size_t) size) {
                buf[size] = '\0';
                *len = (size_t) size;
            }
            else {
                free (buf);
                buf = NULL;
            }
        }
    }
    fclose (f);
    return buf;
}

int
qs_kb_corpus_load_dir (const char *dir, qs_kb_page_fn *fn, void *arg, qs_err_t *err)
{
    DIR *d = opendir (dir);
    if (!d)
        return qs_err_set (err, 500, "internal", "cannot read the corpus folder %s", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int count = -1;
    struct dirent *e;
    while ((e = readdir (d))) {
        size_t len = strlen (e->d_name);
        if (len < 4 || e->d_name[0] == '.' || strcmp (e->d_name + len - 3, ".md") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc (names, cap * sizeof *grown);
            if (!grown)
                goto cleanup;
            names = grown;
        }
        if (!(names[n] = strdup (e->d_name)))
            goto cleanup;
        n++;
    }
    if (n)
        qsort (names, n, sizeof *names, s_cmp_str);
    count = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096], id[QS_KB_ID_MAX + 1];
        snprintf (path, sizeof path, "%s/%s", dir, names[i]);
        size_t idlen = strlen (names[i]) - 3;
        if (idlen > QS_KB_ID_MAX)
            continue;
        memcpy (id, names[i], idlen);
        id[idlen] = '\0';
        size_t len = 0;
        char *text = s_read_file (path, &len);
        if (!text) {
            qs_warn (NULL, "knowledge: cannot read %s", path);
            continue;
        }
        qs_kb_page_t page;
        qs_err_t perr;
        if (qs_kb_page_parse (&page, id, text, len, &perr) == 0) {
            int stop = fn ? fn (&page, arg) : 0;
            count++;
            if (stop)
                i = n;
        }
        else
            qs_warn (NULL, "knowledge: skipping %s", perr.message);
        qs_kb_page_clear (&page);
        free (text);
    }
cleanup:
    for (size_t i = 0; i < n; i++)
        free (names[i]);
    free (names);
    closedir (d);
    if (count < 0)
        qs_err_set (err, 500, "internal", "out of memory");
    return count;
}
