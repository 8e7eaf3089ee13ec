/*  qs_am - a real Alertmanager (Debian prometheus-alertmanager) on
    loopback for the receiver's tests, and a webhook on loopback that
    records what is POSTed to it (the notifications' target).

    The Alertmanager routes every alert (group_by: ['...']) to one webhook
    receiver, the gateway's POST /api/v1/alerts/alertmanager, with the
    org's token in http_config.authorization; group_wait 50ms,
    group_interval 1s, repeat_interval 2s (a firing alert is sent again
    every ~2 s, as in production every few hours). */
#ifndef QS_AM_H
#define QS_AM_H

#include <json-c/json.h>
#include <stdbool.h>
#include "qs_harness.h"

typedef struct {
    char url[64];               /* http://127.0.0.1:<port> */
    char dir[256];              /* config and storage */
    qs_proc_t *proc;
} qs_am_t;

/*  Start Alertmanager sending to gateway (base URL) with token. 0, or -1
    (not installed: the caller skips; or it did not become ready). */
int qs_am_start (qs_am_t *am, const char *gateway, const char *token);
void qs_am_stop (qs_am_t *am);
/*  The path of the binary, or NULL when not installed (lent). */
const char *qs_am_binary (void);

/*  POST /api/v2/alerts one alert: labels as "k=v" strings (NULL-ended);
    ends_in_s < 0 = resolved ended that long ago, 0 = no endsAt. 0 or -1. */
int qs_am_fire (qs_am_t *am, const char *const *labels, const char *summary, int ends_in_s);

/*  A loopback webhook: POST /hook* answers 200 and records the JSON body;
    /redirect answers 302 to /hook-followed (recorded like any /hook*, so a
    followed redirect shows). */
typedef struct _qs_hook_t qs_hook_t;
qs_hook_t *qs_hook_new (void);
void qs_hook_destroy (qs_hook_t **self_p);
int qs_hook_port (qs_hook_t *self);
/*  The bodies received so far, as [{"path","body"}] (new; caller puts). */
json_object *qs_hook_received (qs_hook_t *self);

#endif
