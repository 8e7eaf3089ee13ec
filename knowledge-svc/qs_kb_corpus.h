/*  qs_kb_corpus - knowledge pages: Markdown with a front matter block

        ---
        title: Redis: OOM command not allowed
        topic: redis
        category: common_issues
        ---
        body...

    parsed into a page, split into sections (one chunk per heading, long
    sections cut at paragraph breaks; the page title stays with every chunk),
    and loaded from a folder of *.md files. */
#ifndef QS_KB_CORPUS_H
#define QS_KB_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include "qs_err.h"

#define QS_KB_ID_MAX       127
#define QS_KB_TITLE_MAX    255
#define QS_KB_CONTENT_MAX  200000
#define QS_KB_SECTION_MAX  1400     /* bytes of one chunk before it is cut */
#define QS_KB_ORG_MAX      127      /* bytes of an org id (qs_auth_t holds 127) */

typedef struct {
    char id[QS_KB_ID_MAX + 1];
    char title[QS_KB_TITLE_MAX + 1];
    char topic[32];
    char category[32];
    char *content;          /* owned Markdown body; NULL when empty */
    char org_id[QS_KB_ORG_MAX + 1];     /* the org that added it; "" = a built-in page */
} qs_kb_page_t;

typedef struct {
    char heading[QS_KB_TITLE_MAX + 1];   /* "" for text before the first heading */
    char *text;                          /* owned */
} qs_kb_section_t;

/*  "redis" ... "elasticsearch" or "platform". */
bool qs_kb_topic_valid (const char *topic);
/*  "setup", "common_issues" or "best_practices". */
bool qs_kb_category_valid (const char *category);

/*  Fill page from text (len bytes) with front matter; id is copied. On error
    (no/unterminated front matter, missing or invalid title/topic/category,
    empty body) returns -1 with err set (400) and page left empty. Call
    qs_kb_page_clear afterwards either way. */
int qs_kb_page_parse (qs_kb_page_t *page, const char *id, const char *text, size_t len,
                      qs_err_t *err);

/*  Fill page from fields (copied). Same validation as parse. Both leave
    org_id "" (a built-in page); the caller sets it for an org's document. */
int qs_kb_page_set (qs_kb_page_t *page, const char *id, const char *title,
                    const char *topic, const char *category, const char *content,
                    qs_err_t *err);

/*  Free the content and zero the page. NULL is fine. */
void qs_kb_page_clear (qs_kb_page_t *page);

/*  Split the page body into sections. *sections_p becomes a new array the
    caller frees with qs_kb_sections_free. Returns the count (>= 0) or -1. */
int qs_kb_page_sections (const qs_kb_page_t *page, qs_kb_section_t **sections_p);
void qs_kb_sections_free (qs_kb_section_t **sections_p, int n);

/*  Called for each page loaded; page is lent for the call. Non-zero stops. */
typedef int (qs_kb_page_fn) (const qs_kb_page_t *page, void *arg);

/*  Load every *.md file of dir (sorted by name; the page id is the file name
    without .md). Malformed files are skipped with a warning. Returns the
    number of pages handed to fn, or -1 with err when dir cannot be read. */
int qs_kb_corpus_load_dir (const char *dir, qs_kb_page_fn *fn, void *arg, qs_err_t *err);

#endif
