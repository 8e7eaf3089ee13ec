/*  qs_cli_line - a small line editor for the interactive session, no
    library needed: on a terminal it edits in raw mode (left/right, Home/End,
    Backspace/Delete, Ctrl-A/E/U/K/W, Up/Down through the history, Ctrl-C
    drops the line, Ctrl-D on an empty line ends the input); otherwise it
    reads plain lines from stdin. */
#ifndef QS_CLI_LINE_H
#define QS_CLI_LINE_H

#include <stdbool.h>

typedef struct _qs_cli_line_t qs_cli_line_t;

/*  An editor keeping up to history_max lines of history. NULL on failure. */
qs_cli_line_t *qs_cli_line_new (int history_max);
/*  Free; null *self_p; accepts NULL. Restores the terminal. */
void qs_cli_line_destroy (qs_cli_line_t **self_p);

/*  Show prompt (to stdout, lent) and read one line. Returns it without its
    newline (caller frees), or NULL at end of input (Ctrl-D, EOF). */
char *qs_cli_line_read (qs_cli_line_t *self, const char *prompt);

/*  Remember line (copied) for Up/Down, skipping blanks and repeats. */
void qs_cli_line_history_add (qs_cli_line_t *self, const char *line);

/*  Number of history entries; the i-th oldest (lent) or NULL. */
int qs_cli_line_history_size (const qs_cli_line_t *self);
const char *qs_cli_line_history_get (const qs_cli_line_t *self, int i);

#endif
