/*  qs_kb_handlers - the knowledge service's bus ops (search, add_document,
    delete_document) over qs_kb. Thin: validation and logic live in qs_kb. */
#ifndef QS_KB_HANDLERS_H
#define QS_KB_HANDLERS_H

#include "qs_kb.h"
#include "qs_worker.h"

/*  Op handlers; arg is the qs_kb_t (lent). Usable with qs_req_new_local. */
int qs_kb_handle_search (qs_req_t *req, void *arg);
int qs_kb_handle_add (qs_req_t *req, void *arg);
int qs_kb_handle_delete (qs_req_t *req, void *arg);

#endif
