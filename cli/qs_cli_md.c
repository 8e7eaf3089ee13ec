/*  qs_cli_md - see qs_cli_md.h */
#include "qs_cli_md.h"
#include "qs_buf.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define S_BOLD "\033[1m"
#define S_UNBOLD "\033[22m"
#define S_UNDERLINE "\033[4m"
#define S_CODE "\033[36m"
#define S_UNCODE "\033[39m"
#define S_RESET "\033[0m"

struct _qs_cli_md_t {
    FILE *out;
    bool styled;
    bool in_code;           // inside a ``` block
    bool wrote;
    char last;              // last character written (plain mode)
    qs_buf_t *line;         // the line being received (styled mode)
};

qs_cli_md_t *
qs_cli_md_new (FILE *out, bool styled)
{
    assert (out);
    qs_cli_md_t *self = calloc (1, sizeof *self);
    if (self) {
        self->out = out;
        self->styled = styled;
        self->last = '\n';
        self->line = qs_buf_new (0);
        if (!self->line)
            qs_cli_md_destroy (&self);
    }
    return self;
}

void
qs_cli_md_destroy (qs_cli_md_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_buf_destroy (&(*self_p)->line);
    free (*self_p);
    *self_p = NULL;
}

//  **bold** and `code` inside one line; an unpaired marker prints as is.
//  In a heading (all bold already) the end of **x** must not unbold.
static void
s_inline (qs_cli_md_t *self, const char *s, size_t n, bool in_bold)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == '`') {
            const char *end = memchr (s + i + 1, '`', n - i - 1);
            if (end) {
                fprintf (self->out, S_CODE "%.*s" S_UNCODE, (int) (end - s - i - 1), s + i + 1);
                i = (size_t) (end - s) + 1;
                continue;
            }
        }
        else if (s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            const char *end = NULL;
            for (size_t j = i + 2; j + 1 < n; j++)
                if (s[j] == '*' && s[j + 1] == '*') {
                    end = s + j;
                    break;
                }
            if (end && end > s + i + 2) {
                fputs (S_BOLD, self->out);
                s_inline (self, s + i + 2, (size_t) (end - s - i - 2), true);
                if (!in_bold)
                    fputs (S_UNBOLD, self->out);
                i = (size_t) (end - s) + 2;
                continue;
            }
        }
        fputc (s[i], self->out);
        i++;
    }
}

static void
s_line (qs_cli_md_t *self, const char *s, size_t n)
{
    size_t indent = 0;
    while (indent < n && s[indent] == ' ')
        indent++;
    const char *t = s + indent;
    size_t tn = n - indent;
    if (tn >= 3 && !memcmp (t, "```", 3)) {
        self->in_code = !self->in_code;
        return;     // the fence itself carries nothing to read
    }
    if (self->in_code) {
        fprintf (self->out, "  " S_CODE "%.*s" S_UNCODE "\n", (int) n, s);
        return;
    }
    size_t hashes = 0;
    while (hashes < tn && hashes < 6 && t[hashes] == '#')
        hashes++;
    if (hashes > 0 && hashes < tn && t[hashes] == ' ') {
        fputs (S_BOLD, self->out);
        if (hashes <= 2)
            fputs (S_UNDERLINE, self->out);
        s_inline (self, t + hashes + 1, tn - hashes - 1, true);
        fputs (S_RESET "\n", self->out);
        return;
    }
    if (tn > 0 && t[0] == '|') {
        fprintf (self->out, "%.*s\n", (int) n, s);
        return;
    }
    fprintf (self->out, "%.*s", (int) indent, s);
    if (tn >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ') {
        fputs ("• ", self->out);
        t += 2;
        tn -= 2;
    }
    s_inline (self, t, tn, false);
    fputc ('\n', self->out);
}

int
qs_cli_md_feed (qs_cli_md_t *self, const char *text, size_t len)
{
    assert (self);
    if (len == 0)
        return 0;
    self->wrote = true;
    if (!self->styled) {
        fwrite (text, 1, len, self->out);
        self->last = text[len - 1];
        fflush (self->out);
        return 0;
    }
    const char *end = text + len;
    for (const char *p = text; p < end;) {
        const char *nl = memchr (p, '\n', (size_t) (end - p));
        if (qs_buf_append (self->line, p, (size_t) ((nl ? nl : end) - p)))
            return -1;
        if (!nl)
            break;
        s_line (self, qs_buf_data (self->line), qs_buf_len (self->line));
        qs_buf_reset (self->line);
        p = nl + 1;
    }
    fflush (self->out);
    return 0;
}

void
qs_cli_md_flush (qs_cli_md_t *self)
{
    assert (self);
    if (self->styled) {
        if (qs_buf_len (self->line) > 0)
            s_line (self, qs_buf_data (self->line), qs_buf_len (self->line));
        qs_buf_reset (self->line);
        if (self->in_code)
            fputs (S_RESET, self->out);
        self->in_code = false;
    }
    else if (self->wrote && self->last != '\n') {
        fputc ('\n', self->out);
        self->last = '\n';
    }
    self->wrote = false;
    fflush (self->out);
}

bool
qs_cli_md_wrote (const qs_cli_md_t *self)
{
    return self->wrote;
}
