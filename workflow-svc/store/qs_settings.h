/*  qs_settings - an organisation's notification settings (contract
    section 11): the webhook URL an admin set and the last delivery's
    result, one record per organisation on the store's database (SQLite or
    MongoDB). The URL is stored as given (it may hold a secret in its
    query); qs_settings_mask_url is what an answer shows.

    Notifications: {"webhook_url": str|null, "last_delivery":
    {"at","ok","status","error","event"}|null}. Returned objects are new
    (caller puts); inputs lent. Thread-safe like the store. */
#ifndef QS_SETTINGS_H
#define QS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"
#include "qs_store.h"

typedef struct _qs_settings_t qs_settings_t;

/*  On store's database (lent; must outlive it). NULL with err on failure. */
qs_settings_t *qs_settings_new (qs_store_t *store, qs_err_t *err);
void qs_settings_destroy (qs_settings_t **self_p);

/*  The organisation's notification settings (unmasked; never set = both
    null). NULL with err (400, 503). */
json_object *qs_settings_notify_get (qs_settings_t *self, const char *org_id, qs_err_t *err);

/*  Set (url a checked URL of at most 2048 bytes) or clear (url NULL) the
    webhook; clearing also forgets the last delivery. 0 or -1. */
int qs_settings_notify_set_url (qs_settings_t *self, const char *org_id, const char *url,
                                qs_err_t *err);

/*  Record the last delivery {"at","ok","status","error","event"} (lent). 0 or -1. */
int qs_settings_notify_set_result (qs_settings_t *self, const char *org_id,
                                   json_object *result, qs_err_t *err);

/*  url with every query value and any fragment replaced by "***" (Slack
    and others put the secret in the path, which is kept; a query such as
    ?token=... is not shown) into out (size bytes). */
void qs_settings_mask_url (const char *url, char *out, size_t size);

#endif
