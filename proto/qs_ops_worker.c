/*  qs_ops_worker - see qs_ops_worker.h */
#include "qs_ops_worker.h"
#include "qs_ops.h"
#include <string.h>

static const qs_ops_handler_t *
s_handler (const qs_ops_handler_t *handlers, size_t count, const char *op)
{
    for (size_t i = 0; i < count; i++)
        if (handlers[i].op && !strcmp (handlers[i].op, op))
            return &handlers[i];
    return NULL;
}

int
qs_ops_register (qs_worker_t *worker, const char *service,
                 const qs_ops_handler_t *handlers, size_t count, qs_err_t *err)
{
    if (!worker || !service || (count && !handlers))
        return qs_err_set (err, 500, "bad_config", "qs_ops_register: no worker, service or handlers");
    for (size_t i = 0; i < count; i++) {
        const char *op = handlers[i].op;
        if (!op || !handlers[i].fn)
            return qs_err_set (err, 500, "bad_config", "handler %zu of %s has no op or no function",
                               i, service);
        if (!qs_ops_find (service, op))
            return qs_err_set (err, 500, "bad_config", "a handler for \"%s.%s\" has no row in the "
                               "table of operations (proto/qs_ops.c)", service, op);
        if (s_handler (handlers, i, op))
            return qs_err_set (err, 500, "bad_config", "two handlers for \"%s.%s\"", service, op);
    }
    size_t rows = 0;
    const qs_ops_row_t *table = qs_ops_table (&rows);
    for (size_t i = 0; i < rows; i++)
        if (table[i].service && !strcmp (table[i].service, service)
            && !s_handler (handlers, count, table[i].op))
            return qs_err_set (err, 500, "bad_config", "the row \"%s.%s\" of the table of "
                               "operations (proto/qs_ops.c) has no handler", service, table[i].op);
    for (size_t i = 0; i < count; i++)
        if (qs_worker_add_op (worker, handlers[i].op, handlers[i].fn, handlers[i].arg) != 0)
            return qs_err_set (err, 500, "bad_config", "cannot add \"%s.%s\"", service,
                               handlers[i].op);
    return 0;
}
