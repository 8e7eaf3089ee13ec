/*  qs_notifier - an organisation's notifications (contract section 11):
    the settings ops (GET/PUT /api/v1/settings/notifications), the events
    (incident.opened, incident.resolved, action.executed, action.failed)
    POSTed to the org's webhook as {"text": ..., "event": ..., ...data}
    (Slack/Mattermost incoming-webhook shape), and the real sender.

    Delivery goes through one qs_notify queue per process (its own thread):
    sending an event only reads the org's URL and enqueues, so it never
    blocks a request. The sender checks the URL again with qs_urlguard at
    send time and connects to the checked address only (a DNS answer that
    changed to a private address meanwhile cannot be reached), follows no
    redirect and times out. Each delivery's result is stored as the org's
    last delivery. */
#ifndef QS_NOTIFIER_H
#define QS_NOTIFIER_H

#include <json-c/json.h>
#include "qs_notify.h"
#include "qs_settings.h"
#include "qs_worker.h"

typedef struct _qs_notifier_t qs_notifier_t;

/*  settings lent (must outlive it); allow_hosts = QS_NOTIFY_ALLOW_HOSTS
    (copied, may be NULL); tuning NULL = defaults, else its queue, attempts,
    back-off and timeout are used (its send, done and arg are not: the
    sender is always qs_notifier_send). NULL on failure. */
qs_notifier_t *qs_notifier_new (qs_settings_t *settings, const char *allow_hosts,
                                const qs_notify_config_t *tuning);
void qs_notifier_destroy (qs_notifier_t **self_p);

/*  Queue event for org_id when it has a webhook (text and data lent, data
    may be NULL). self NULL = notifications off. Never blocks. */
void qs_notifier_event (qs_notifier_t *self, const char *org_id, const char *event,
                        const char *text, json_object *data);

/*  action.executed / action.failed for a decided Action (lent). */
void qs_notifier_action (qs_notifier_t *self, const char *org_id, json_object *action);

/*  The ops (arg: the qs_notifier_t). GET: {"webhook_url": masked|null,
    "last_delivery": {"at","ok","status","error","event"}|null}. PUT
    {"webhook_url": str|null}: 400 bad body, 422 webhook_not_allowed; the
    same answer as GET. */
int qs_notifier_get_op (qs_req_t *req, void *arg);
int qs_notifier_put_op (qs_req_t *req, void *arg);

/*  The real sender (a qs_notify_send_fn; arg: the qs_notifier_t). */
int qs_notifier_send (void *arg, const char *url, const char *body, int timeout_ms, char *why,
                      size_t size);

#endif
