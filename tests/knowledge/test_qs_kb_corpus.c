#include "../qs_test.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "qs_kb_corpus.h"

static int
s_parse (qs_kb_page_t *page, const char *text)
{
    qs_err_t err;
    return qs_kb_page_parse (page, "p1", text, strlen (text), &err);
}

START_TEST (test_front_matter_ok)
{
    qs_kb_page_t page;
    int rc = s_parse (&page, "---\ntitle: \"Redis: OOM\"\ntopic: redis\n"
                             "category: common_issues\nextra: ignored\n---\n# Body\ntext\n");
    ck_assert_int_eq (rc, 0);
    ck_assert_str_eq (page.id, "p1");
    ck_assert_str_eq (page.title, "Redis: OOM");
    ck_assert_str_eq (page.topic, "redis");
    ck_assert_str_eq (page.category, "common_issues");
    ck_assert_str_eq (page.content, "# Body\ntext\n");
    qs_kb_page_clear (&page);
    qs_kb_page_clear (NULL);
}
END_TEST

START_TEST (test_front_matter_malformed)
{
    const char *bad[] = {
        "no front matter at all\n",
        "---\ntitle: x\ntopic: redis\ncategory: setup\nnever closed\n",
        "---\ntopic: redis\ncategory: setup\n---\nbody\n",                 /* no title */
        "---\ntitle: x\ntopic: oracle\ncategory: setup\n---\nbody\n",      /* bad topic */
        "---\ntitle: x\ntopic: redis\ncategory: faq\n---\nbody\n",         /* bad category */
        "---\ntitle: x\ntopic: redis\ncategory: setup\n---\n   \n",        /* empty body */
        "---",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        qs_kb_page_t page;
        qs_err_t err;
        ck_assert_int_eq (qs_kb_page_parse (&page, "p", bad[i], strlen (bad[i]), &err), -1);
        ck_assert_int_eq (err.status, 400);
        ck_assert_ptr_null (page.content);
        qs_kb_page_clear (&page);
    }
}
END_TEST

START_TEST (test_sections)
{
    qs_kb_page_t page;
    ck_assert_int_eq (s_parse (&page, "---\ntitle: T\ntopic: kafka\ncategory: setup\n---\n"
                                      "intro line\n# One\nfirst\n```\n# not a heading\n```\n"
                                      "## Two\nsecond\n## Empty\n\n"), 0);
    qs_kb_section_t *sec = NULL;
    int n = qs_kb_page_sections (&page, &sec);
    ck_assert_int_eq (n, 3);
    ck_assert_str_eq (sec[0].heading, "");
    ck_assert_str_eq (sec[0].text, "intro line");
    ck_assert_str_eq (sec[1].heading, "One");
    ck_assert (strstr (sec[1].text, "# not a heading") != NULL);
    ck_assert_str_eq (sec[2].heading, "Two");
    ck_assert_str_eq (sec[2].text, "second");
    qs_kb_sections_free (&sec, n);
    ck_assert_ptr_null (sec);
    qs_kb_page_clear (&page);
}
END_TEST

START_TEST (test_long_section_is_cut)
{
    char body[6000];
    const char *para = "A paragraph of several words that goes on for a while.\n\n";
    size_t plen = strlen (para), at = 0;
    for (int i = 0; i < 40; i++, at += plen)
        memcpy (body + at, para, plen);
    body[at] = '\0';
    qs_kb_page_t page;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_page_set (&page, "p", "T", "mysql", "setup", body, &err), 0);
    qs_kb_section_t *sec = NULL;
    int n = qs_kb_page_sections (&page, &sec);
    ck_assert_int_ge (n, 2);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        ck_assert_int_le ((int) strlen (sec[i].text), QS_KB_SECTION_MAX);
        total += strlen (sec[i].text);
    }
    ck_assert_int_ge ((int) total, (int) strlen (body) - 4 * n);
    qs_kb_sections_free (&sec, n);
    qs_kb_page_clear (&page);
}
END_TEST

static int
s_count (const qs_kb_page_t *page, void *arg)
{
    (void) page;
    (*(int *) arg)++;
    return 0;
}

START_TEST (test_load_dir_skips_malformed)
{
    char dir[] = "/tmp/qs_kb_corpus_XXXXXX";
    ck_assert_ptr_nonnull (mkdtemp (dir));
    const char *files[][2] = {
        { "good.md", "---\ntitle: Good\ntopic: platform\ncategory: setup\n---\nbody\n" },
        { "bad.md", "no front matter\n" },
        { "notes.txt", "---\ntitle: Not markdown\ntopic: redis\ncategory: setup\n---\nx\n" },
    };
    char path[512];
    for (int i = 0; i < 3; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, files[i][0]);
        FILE *f = fopen (path, "w");
        ck_assert_ptr_nonnull (f);
        fputs (files[i][1], f);
        fclose (f);
    }
    int seen = 0;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_corpus_load_dir (dir, s_count, &seen, &err), 1);
    ck_assert_int_eq (seen, 1);
    for (int i = 0; i < 3; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, files[i][0]);
        unlink (path);
    }
    rmdir (dir);
    ck_assert_int_eq (qs_kb_corpus_load_dir ("/nonexistent/qs", s_count, &seen, &err), -1);
}
END_TEST

/*  Every page of the shipped corpus parses: a malformed page would silently
    vanish from search. */
START_TEST (test_shipped_corpus_valid)
{
    const char *dir = getenv ("QS_KB_TEST_CORPUS");
    ck_assert_ptr_nonnull (dir);
    int files = 0;
    DIR *d = opendir (dir);
    ck_assert_ptr_nonnull (d);
    struct dirent *e;
    while ((e = readdir (d)))
        if (strstr (e->d_name, ".md"))
            files++;
    closedir (d);
    int seen = 0;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_corpus_load_dir (dir, s_count, &seen, &err), files);
    ck_assert_int_ge (files, 50);
}
END_TEST

/*  Whether text holds a URI with a secret in it (scheme://user:secret@host). */
static bool
s_uri_with_password (const char *text)
{
    for (const char *p = strstr (text, "://"); p; p = strstr (p + 3, "://")) {
        size_t n = strcspn (p + 3, " \t\n`\"'<>()");
        const char *at = memchr (p + 3, '@', n);
        if (at && memchr (p + 3, ':', (size_t) (at - (p + 3))))
            return true;
    }
    return false;
}

/*  Contract section 5: a URI never holds a password, so no page shows one
    (not even a placeholder), and none teaches writing one into a URI. */
START_TEST (test_shipped_corpus_no_password_in_uri)
{
    ck_assert (s_uri_with_password ("`amqps://USER:PASSWORD@HOST:5671/VHOST`"));
    ck_assert (!s_uri_with_password ("`amqps://USER@HOST:5671/VHOST` and http://HOST:9200"));
    const char *dir = getenv ("QS_KB_TEST_CORPUS");
    ck_assert_ptr_nonnull (dir);
    DIR *d = opendir (dir);
    ck_assert_ptr_nonnull (d);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir (d))) {
        if (!strstr (e->d_name, ".md"))
            continue;
        char path[1024];
        snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen (path, "r");
        ck_assert_ptr_nonnull (f);
        static char text[QS_KB_CONTENT_MAX + 1];
        size_t len = fread (text, 1, sizeof text - 1, f);
        fclose (f);
        text[len] = '\0';
        ck_assert_msg (!s_uri_with_password (text), "%s shows a password in a URI", e->d_name);
        checked++;
    }
    closedir (d);
    ck_assert_int_ge (checked, 50);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_corpus");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_front_matter_ok);
    tcase_add_test (tc, test_front_matter_malformed);
    tcase_add_test (tc, test_sections);
    tcase_add_test (tc, test_long_section_is_cut);
    tcase_add_test (tc, test_load_dir_skips_malformed);
    tcase_add_test (tc, test_shipped_corpus_valid);
    tcase_add_test (tc, test_shipped_corpus_no_password_in_uri);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
