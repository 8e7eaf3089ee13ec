/*  qs_alerts - see qs_alerts.h. */
#include "qs_alerts.h"
#include "qs_chain.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

/*  A label or annotation value: a string, bounded; anything else is "".
    A cut never splits a UTF-8 character (the store refuses broken text). */
static void
s_copy (json_object *obj, const char *key, char *out, size_t size)
{
    const char *in = qs_json_str (obj, key, "");
    qs_strlcpy (out, in, size);
    size_t n = strlen (out);
    if (n == strlen (in) || n == 0)
        return;
    size_t start = n;
    while (start > 0 && ((unsigned char) out[start - 1] & 0xC0) == 0x80)
        start--;                                /* back to the last character's lead byte */
    if (start == 0)
        return;
    unsigned char lead = (unsigned char) out[start - 1];
    size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (start - 1) < want)
        out[start - 1] = '\0';
}

static int
s_time (json_object *alert, const char *key, int64_t *ms)
{
    const char *text = qs_json_str (alert, key, NULL);
    *ms = 0;
    if (!text || !*text)
        return 0;
    if (qs_time_parse (text, ms) != 0)
        return -1;
    if (*ms < 0)            /* Alertmanager's zero time, 0001-01-01: not set */
        *ms = 0;
    return 0;
}

static int
s_alert (json_object *a, size_t index, qs_alert_t *out, qs_err_t *err)
{
    const char *status = qs_json_str (a, "status", "");
    json_object *labels = qs_json_get (a, "labels", json_type_object);
    json_object *notes = qs_json_get (a, "annotations", json_type_object);
    if (strcmp (status, "firing") && strcmp (status, "resolved"))
        return qs_err_set (err, 400, "bad_request", "alerts[%zu].status must be \"firing\" or \"resolved\"", index);
    if (!labels)
        return qs_err_set (err, 400, "bad_request", "alerts[%zu].labels must be an object", index);
    json_object_object_foreach (labels, key, val) {
        (void) key;
        if (!json_object_is_type (val, json_type_string))
            return qs_err_set (err, 400, "bad_request", "alerts[%zu].labels values must be strings", index);
    }
    if (s_time (a, "startsAt", &out->starts_at_ms) || s_time (a, "endsAt", &out->ends_at_ms))
        return qs_err_set (err, 400, "bad_request", "alerts[%zu] has a startsAt or endsAt that is not RFC 3339", index);
    out->firing = !strcmp (status, "firing");
    s_copy (labels, "alertname", out->alertname, sizeof out->alertname);
    s_copy (labels, "severity", out->severity, sizeof out->severity);
    s_copy (labels, "quickspin_service_id", out->service_id, sizeof out->service_id);
    s_copy (labels, "quickspin_service", out->service_name, sizeof out->service_name);
    s_copy (labels, "namespace", out->namespace_name, sizeof out->namespace_name);
    s_copy (labels, "pod", out->pod, sizeof out->pod);
    s_copy (notes, "summary", out->summary, sizeof out->summary);
    if (!out->summary[0])
        s_copy (notes, "description", out->summary, sizeof out->summary);
    const char *fp = qs_json_str (a, "fingerprint", "");
    if (*fp) {
        if (strlen (fp) >= sizeof out->fingerprint)
            return qs_err_set (err, 400, "bad_request", "alerts[%zu].fingerprint is too long", index);
        qs_strlcpy (out->fingerprint, fp, sizeof out->fingerprint);
    }
    else {
        //  the same labels always give the same identity, as Alertmanager's own
        char hash[QS_CHAIN_HASH_LEN + 1];
        if (qs_chain_hash (labels, hash, err) != 0) {
            if (err->status >= 500)
                return -1;
            char why[sizeof err->message];          /* e.g. a label name that is not UTF-8 */
            qs_strlcpy (why, err->message, sizeof why);
            return qs_err_set (err, 400, "bad_request", "alerts[%zu].labels: %s", index, why);
        }
        qs_strlcpy (out->fingerprint, hash, 17);
    }
    return 0;
}

int
qs_alerts_parse (json_object *payload, qs_alert_batch_t *batch, qs_err_t *err)
{
    memset (batch, 0, sizeof *batch);
    json_object *alerts = qs_json_get (payload, "alerts", json_type_array);
    if (strcmp (qs_json_str (payload, "version", ""), "4") != 0 || !alerts)
        return qs_err_set (err, 400, "bad_request",
                           "expected Alertmanager's webhook payload: version \"4\" and an alerts array");
    size_t n = json_object_array_length (alerts);
    if (n > QS_ALERTS_MAX)
        return qs_err_set (err, 413, "payload_too_large", "at most %d alerts per notification (max_alerts in "
                           "the receiver's webhook_config)", QS_ALERTS_MAX);
    batch->alerts = calloc (n ? n : 1, sizeof *batch->alerts);
    if (!batch->alerts)
        return qs_err_set (err, 500, "internal_error", "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx (alerts, i);
        if (!json_object_is_type (a, json_type_object)) {
            qs_alerts_free (batch);
            return qs_err_set (err, 400, "bad_request", "alerts[%zu] must be an object", i);
        }
        if (s_alert (a, i, &batch->alerts[i], err) != 0) {
            qs_alerts_free (batch);
            return -1;
        }
        batch->count++;
    }
    s_copy (payload, "receiver", batch->receiver, sizeof batch->receiver);
    return 0;
}

void
qs_alerts_free (qs_alert_batch_t *batch)
{
    if (batch) {
        free (batch->alerts);
        memset (batch, 0, sizeof *batch);
    }
}
