/*  qs_incidents_sqlite - the incidents repository on SQLite. The unique key
    (organization_id, open_key) holds one firing incident per fingerprint:
    a firing alert is one upsert on it, so concurrent workers and processes
    count into the same row. */
#include "qs_incidents_impl.h"
#include <string.h>

static const char *const s_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE incidents ("
    "  id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, fingerprint TEXT NOT NULL,"
    "  open_key TEXT NOT NULL, alertname TEXT NOT NULL, severity TEXT NOT NULL,"
    "  summary TEXT NOT NULL, service_id TEXT, service_name TEXT, status TEXT NOT NULL,"
    "  opened_at INTEGER NOT NULL, resolved_at INTEGER NOT NULL DEFAULT 0,"
    "  alerts_received INTEGER NOT NULL, diagnosis TEXT, diag_until INTEGER NOT NULL DEFAULT 0,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX incidents_open ON incidents (organization_id, open_key);"
    "CREATE INDEX incidents_org_opened ON incidents (organization_id, opened_at DESC, id DESC);",
};

int
qs_incidents_lite_init (qs_lite_t *lite, qs_err_t *err)
{
    static const qs_lite_schema_t schema = {
        .component = "incidents", .migrations = s_migrations,
        .count = (int) (sizeof s_migrations / sizeof s_migrations[0]),
    };
    return qs_lite_migrate (lite, &schema, err);
}

#define S_COLS "id, fingerprint, alertname, service_id, service_name, status, opened_at," \
               " resolved_at, alerts_received, diagnosis, severity, summary, updated_at"

static json_object *
s_row (sqlite3_stmt *s)
{
    return qs_incident_row (qs_lite_col (s, 0), qs_lite_col (s, 1), qs_lite_col (s, 2),
                            qs_lite_col_or_null (s, 3), qs_lite_col_or_null (s, 4),
                            qs_lite_col (s, 5), sqlite3_column_int64 (s, 6),
                            sqlite3_column_int64 (s, 7), sqlite3_column_int64 (s, 8),
                            qs_lite_col_or_null (s, 9), qs_lite_col (s, 10), qs_lite_col (s, 11),
                            sqlite3_column_int64 (s, 12));
}

json_object *
qs_incidents_lite_record (qs_lite_t *self, const char *org, const qs_incident_rec_t *r,
                          bool *opened, qs_err_t *err)
{
    const qs_incident_in_t *in = r->in;
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    if (in->firing) {
        out = qs_lite_one (self, qs_lite_stmt (self, err,
            "INSERT INTO incidents (id, organization_id, fingerprint, open_key, alertname,"
            " severity, summary, service_id, service_name, status, opened_at, alerts_received,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'firing', ?, 1, ?)"
            " ON CONFLICT (organization_id, open_key) DO UPDATE SET"
            " alerts_received = alerts_received + 1, alertname = excluded.alertname,"
            " severity = excluded.severity, summary = excluded.summary,"
            " service_id = excluded.service_id, service_name = excluded.service_name,"
            " updated_at = excluded.updated_at"
            " RETURNING " S_COLS, "tttttttttii", r->id, org, in->fingerprint, in->fingerprint,
            in->alertname, in->severity, in->summary, in->service_id, in->service_name, r->at,
            r->now), s_row, "incident", err);
        *opened = out && !strcmp (qs_json_str (out, "id", ""), r->id);
    }
    else {
        out = qs_lite_one (self, qs_lite_stmt (self, err,
            "UPDATE incidents SET status = 'resolved', resolved_at = ?, updated_at = ?,"
            " open_key = 'resolved:' || id WHERE organization_id = ? AND open_key = ?"
            " RETURNING " S_COLS, "iitt", r->at, r->now, org, in->fingerprint),
            s_row, "firing incident", err);
    }
    QS_LITE_UNLOCK (self);
    return out;
}

int
qs_incidents_lite_claim (qs_lite_t *self, const char *org, const char *id, int64_t now,
                         int64_t until, qs_err_t *err)
{
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err,
        "UPDATE incidents SET diag_until = ? WHERE organization_id = ? AND id = ?"
        " AND status = 'firing' AND diagnosis IS NULL AND diag_until < ?", "itti",
        until, org, id, now), err);
    if (rc == 0)
        rc = sqlite3_changes (self->db) == 1;
    QS_LITE_UNLOCK (self);
    return rc;
}

int
qs_incidents_lite_diagnosis (qs_lite_t *self, const char *org, const char *id,
                             const char *diagnosis, int64_t now, qs_err_t *err)
{
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err,
        "UPDATE incidents SET diagnosis = ?, diag_until = 0, updated_at = ?"
        " WHERE organization_id = ? AND id = ?", "titt", diagnosis, now, org, id), err);
    if (rc == 0 && sqlite3_changes (self->db) != 1)
        rc = qs_err_set (err, 404, "not_found", "incident not found");
    QS_LITE_UNLOCK (self);
    return rc;
}

json_object *
qs_incidents_lite_get (qs_lite_t *self, const char *org, const char *id, qs_err_t *err)
{
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT " S_COLS " FROM incidents WHERE organization_id = ? AND id = ?", "tt", org, id),
        s_row, "incident", err);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_incidents_lite_list (qs_lite_t *self, const char *org, const char *status, int limit,
                        qs_err_t *err)
{
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_COLS " FROM incidents WHERE organization_id = ? AND (? IS NULL OR status = ?)"
        " ORDER BY opened_at DESC, id DESC LIMIT ?", "ttti", org, status, status, (int64_t) limit),
        s_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}
