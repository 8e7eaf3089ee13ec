/*  qs_cli_line - see qs_cli_line.h */
#include "qs_cli_line.h"
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

struct _qs_cli_line_t {
    char **history;
    int count, max;
    bool tty;
};

typedef struct {
    char *buf;
    size_t len, cap, pos;       // bytes; pos is on a UTF-8 boundary
    const char *prompt;
} s_edit_t;

qs_cli_line_t *
qs_cli_line_new (int history_max)
{
    assert (history_max > 0);
    qs_cli_line_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->history = calloc ((size_t) history_max, sizeof (char *));
    if (!self->history) {
        free (self);
        return NULL;
    }
    self->max = history_max;
    self->tty = isatty (STDIN_FILENO) && isatty (STDOUT_FILENO);
    return self;
}

void
qs_cli_line_destroy (qs_cli_line_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_cli_line_t *self = *self_p;
    for (int i = 0; i < self->count; i++)
        free (self->history[i]);
    free (self->history);
    free (self);
    *self_p = NULL;
}

void
qs_cli_line_history_add (qs_cli_line_t *self, const char *line)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p || (self->count > 0 && !strcmp (self->history[self->count - 1], line)))
        return;
    char *copy = strdup (line);
    if (!copy)
        return;
    if (self->count == self->max) {
        free (self->history[0]);
        memmove (self->history, self->history + 1, (size_t) (self->max - 1) * sizeof (char *));
        self->count--;
    }
    self->history[self->count++] = copy;
}

int
qs_cli_line_history_size (const qs_cli_line_t *self)
{
    return self->count;
}

const char *
qs_cli_line_history_get (const qs_cli_line_t *self, int i)
{
    return i >= 0 && i < self->count ? self->history[i] : NULL;
}

static char *
s_read_plain (const char *prompt)
{
    fputs (prompt, stdout);
    fflush (stdout);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline (&line, &cap, stdin);
    if (n < 0) {
        free (line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static size_t
s_columns (const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char) s[i] & 0xC0) != 0x80)
            cols++;
    return cols;
}

//  Visible width of the prompt: escape sequences take no room.
static size_t
s_prompt_columns (const char *p)
{
    size_t cols = 0;
    while (*p) {
        if (*p == '\033') {
            while (*p && !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
                p++;
            if (*p)
                p++;
            continue;
        }
        if (((unsigned char) *p & 0xC0) != 0x80)
            cols++;
        p++;
    }
    return cols;
}

//  Byte offset of the column-th character from from.
static size_t
s_skip_columns (const char *s, size_t len, size_t from, size_t columns)
{
    size_t i = from;
    while (i < len && columns > 0) {
        i++;
        while (i < len && ((unsigned char) s[i] & 0xC0) == 0x80)
            i++;
        columns--;
    }
    return i;
}

//  Redraw the whole line: prompt, text, clear the rest, cursor to pos. A
//  line wider than the terminal scrolls sideways to keep the cursor seen.
static void
s_refresh (s_edit_t *e)
{
    struct winsize ws;
    size_t width = ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    size_t prompt = s_prompt_columns (e->prompt);
    size_t avail = width > prompt + 10 ? width - prompt - 1 : 10;
    size_t cursor = s_columns (e->buf, e->pos);
    size_t start = cursor >= avail ? s_skip_columns (e->buf, e->len, 0, cursor - avail + 1) : 0;
    size_t end = s_skip_columns (e->buf, e->len, start, avail);
    printf ("\r%s%.*s\033[K", e->prompt, (int) (end - start), e->buf + start);
    size_t back = s_columns (e->buf + e->pos, end > e->pos ? end - e->pos : 0);
    if (back > 0)
        printf ("\033[%zuD", back);
    fflush (stdout);
}

static int
s_set (s_edit_t *e, const char *text)
{
    size_t n = strlen (text);
    if (n + 1 > e->cap) {
        char *grown = realloc (e->buf, n + 64);
        if (!grown)
            return -1;
        e->buf = grown;
        e->cap = n + 64;
    }
    memcpy (e->buf, text, n + 1);
    e->len = e->pos = n;
    return 0;
}

static int
s_insert (s_edit_t *e, char c)
{
    if (e->len + 2 > e->cap) {
        size_t want = e->cap ? e->cap * 2 : 128;
        char *grown = realloc (e->buf, want);
        if (!grown)
            return -1;
        e->buf = grown;
        e->cap = want;
    }
    memmove (e->buf + e->pos + 1, e->buf + e->pos, e->len - e->pos);
    e->buf[e->pos++] = c;
    e->len++;
    e->buf[e->len] = '\0';
    return 0;
}

static size_t
s_prev (const s_edit_t *e, size_t pos)
{
    while (pos > 0 && ((unsigned char) e->buf[--pos] & 0xC0) == 0x80)
        ;
    return pos;
}

static size_t
s_next (const s_edit_t *e, size_t pos)
{
    if (pos < e->len)
        pos++;
    while (pos < e->len && ((unsigned char) e->buf[pos] & 0xC0) == 0x80)
        pos++;
    return pos;
}

static void
s_delete_range (s_edit_t *e, size_t from, size_t to)
{
    memmove (e->buf + from, e->buf + to, e->len - to + 1);
    e->len -= to - from;
    e->pos = from;
}

static int
s_getc (void)
{
    unsigned char c;
    for (;;) {
        ssize_t n = read (STDIN_FILENO, &c, 1);
        if (n == 1)
            return c;
        if (n < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

static char *
s_read_raw (qs_cli_line_t *self, const char *prompt)
{
    struct termios saved, raw;
    if (tcgetattr (STDIN_FILENO, &saved) != 0)
        return s_read_plain (prompt);
    raw = saved;
    raw.c_iflag &= ~(unsigned) (BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_lflag &= ~(unsigned) (ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) != 0)
        return s_read_plain (prompt);
    s_edit_t e = {.prompt = prompt};
    char *result = NULL;
    bool done = false, eof = false;
    int hist = self->count;     // == count: the line being typed
    char *typed = NULL;         // what was typed before browsing history
    if (s_set (&e, "") != 0)
        goto cleanup;
    s_refresh (&e);
    while (!done) {
        int c = s_getc ();
        switch (c) {
            case -1: eof = true; done = true; break;
            case '\r': case '\n': done = true; break;
            case 4:     // Ctrl-D: end on an empty line, else delete forward
                if (e.len == 0) {
                    eof = true;
                    done = true;
                }
                else if (e.pos < e.len)
                    s_delete_range (&e, e.pos, s_next (&e, e.pos));
                break;
            case 3:     // Ctrl-C: drop the line
                printf ("^C\r\n");
                s_set (&e, "");
                hist = self->count;
                break;
            case 127: case 8:
                if (e.pos > 0)
                    s_delete_range (&e, s_prev (&e, e.pos), e.pos);
                break;
            case 1: e.pos = 0; break;
            case 5: e.pos = e.len; break;
            case 2: e.pos = s_prev (&e, e.pos); break;
            case 6: e.pos = s_next (&e, e.pos); break;
            case 11: e.len = e.pos; e.buf[e.len] = '\0'; break;
            case 21: s_delete_range (&e, 0, e.pos); break;
            case 23: {
                size_t p = e.pos;
                while (p > 0 && e.buf[p - 1] == ' ')
                    p--;
                while (p > 0 && e.buf[p - 1] != ' ')
                    p--;
                s_delete_range (&e, p, e.pos);
                break;
            }
            case 12: printf ("\033[H\033[2J"); break;
            case 27: {  // ESC [ A/B/C/D/H/F, ESC [ 3 ~ and friends
                int a = s_getc (), b = a == '[' || a == 'O' ? s_getc () : -1;
                if (b >= '0' && b <= '9') {
                    int t = s_getc ();
                    if (t == '~' && b == '3' && e.pos < e.len)
                        s_delete_range (&e, e.pos, s_next (&e, e.pos));
                    else if (t == '~' && (b == '1' || b == '7'))
                        e.pos = 0;
                    else if (t == '~' && (b == '4' || b == '8'))
                        e.pos = e.len;
                    break;
                }
                if (b == 'C')
                    e.pos = s_next (&e, e.pos);
                else if (b == 'D')
                    e.pos = s_prev (&e, e.pos);
                else if (b == 'H')
                    e.pos = 0;
                else if (b == 'F')
                    e.pos = e.len;
                else if ((b == 'A' && hist > 0) || (b == 'B' && hist < self->count)) {
                    if (hist == self->count) {
                        free (typed);
                        typed = strdup (e.buf);
                    }
                    hist += b == 'A' ? -1 : 1;
                    s_set (&e, hist < self->count ? self->history[hist] : (typed ? typed : ""));
                }
                break;
            }
            default:
                if (c >= 32 || c == '\t')
                    s_insert (&e, (char) (c == '\t' ? ' ' : c));
                break;
        }
        if (!done)
            s_refresh (&e);
    }
    printf ("\r\n");
    fflush (stdout);
    if (!eof) {
        result = e.buf;
        e.buf = NULL;
    }
cleanup:
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
    free (e.buf);
    free (typed);
    return result;
}

char *
qs_cli_line_read (qs_cli_line_t *self, const char *prompt)
{
    assert (self);
    return self->tty ? s_read_raw (self, prompt) : s_read_plain (prompt);
}
