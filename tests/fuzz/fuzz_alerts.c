/*  fuzz_alerts - the Alertmanager receiver's payload path: the webhook body
    (qs_alerts_parse) and every alert it yields recorded in the incidents
    repository (qs_incidents, on a SQLite file of this process), as the
    alert_receive op does, then listed.

    Invariants: a parsed batch has at most QS_ALERTS_MAX alerts, each with a
    fingerprint of 1..64 characters; recording refuses bad text with a 4xx,
    never a 5xx; whatever is stored lists back as valid JSON. */
#include "fuzz_common.h"
#include "qs_alerts.h"
#include "qs_incidents.h"
#include <unistd.h>

static qs_store_t *s_store;
static qs_incidents_t *s_repo;

static void
s_open (void)
{
    if (s_repo)
        return;
    char url[128];
    qs_err_t err = {0};
    snprintf (url, sizeof url, "sqlite:///tmp/qs-fuzz-alerts-%d.db", (int) getpid ());
    s_store = qs_store_new (url, &err);
    QS_FUZZ_CHECK (s_store);
    s_repo = qs_incidents_new (s_store, &err);
    QS_FUZZ_CHECK (s_repo);
    unlink (url + 9);           /* the open connection keeps it for this run */
}

/*  One repository for the whole run, closed at exit (leak-free replays). */
__attribute__ ((destructor)) static void
s_close (void)
{
    qs_incidents_destroy (&s_repo);
    qs_store_destroy (&s_store);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    s_open ();
    char *text = qs_fuzz_strndup (data, size);
    const char *why;
    json_object *in = qs_json_parse (text, size, &why);
    free (text);
    if (!in)
        return 0;
    qs_alert_batch_t batch;
    qs_err_t err = {0};
    if (qs_alerts_parse (in, &batch, &err) != 0) {
        QS_FUZZ_CHECK (err.status == 400 || err.status == 413);
        QS_FUZZ_CHECK (batch.count == 0 && !batch.alerts);
        json_object_put (in);
        return 0;
    }
    QS_FUZZ_CHECK (batch.count <= QS_ALERTS_MAX);
    for (size_t i = 0; i < batch.count; i++) {
        const qs_alert_t *a = &batch.alerts[i];
        size_t fl = strlen (a->fingerprint);
        QS_FUZZ_CHECK (fl >= 1 && fl <= 64);
        qs_incident_in_t rec = {
            .firing = a->firing, .fingerprint = a->fingerprint, .alertname = a->alertname,
            .severity = a->severity, .summary = a->summary,
            .service_id = a->service_id, .service_name = a->service_name,
            .at_ms = a->firing ? a->starts_at_ms : a->ends_at_ms,
        };
        bool opened;
        qs_err_t rerr = {0};
        json_object *incident = qs_incidents_record (s_repo, "org-fuzz", &rec, &opened, &rerr);
        QS_FUZZ_CHECK (incident || (rerr.status >= 400 && rerr.status < 500));
        if (incident)
            qs_fuzz_valid_json (incident);
        json_object_put (incident);
    }
    json_object *list = qs_incidents_list (s_repo, "org-fuzz", NULL, QS_INCIDENTS_LIMIT_MAX, &err);
    QS_FUZZ_CHECK (list);
    qs_fuzz_valid_json (list);
    json_object_put (list);
    qs_alerts_free (&batch);
    json_object_put (in);
    return 0;
}
