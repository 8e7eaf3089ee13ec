/*  qs_sbx_world - the sandbox's in-memory state: orgs, services, their pods
    and idempotency records. One mutex guards everything; callers lock, act
    through the functions below, and unlock. Record pointers returned while
    locked are valid until the next call that adds or removes a service or
    until unlock, whichever comes first.

    Time is always passed in (now_ms) so tests can pin it. */
#ifndef QS_SBX_WORLD_H
#define QS_SBX_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QS_SBX_MAX_PODS 20

typedef enum {
    QS_SBX_SC_HEALTHY = 0,
    QS_SBX_SC_OOM_KILLED,
    QS_SBX_SC_CRASH_LOOP,
    QS_SBX_SC_IMAGE_PULL,
    QS_SBX_SC_UNSCHEDULABLE,
    QS_SBX_SC_READINESS,
    QS_SBX_SC_DISK_FULL,
    QS_SBX_SC_CONNECTION_LIMIT,
    QS_SBX_SC_HIGH_CPU,
    QS_SBX_SC_HIGH_MEMORY,
    QS_SBX_SC_FREQUENT_RESTARTS,
    QS_SBX_SC_IDLE,
    QS_SBX_SC_OVERSIZED,
    QS_SBX_SC_NEW,
    QS_SBX_SC_STAGING_HA,
    QS_SBX_SC_PRODUCTION_HA,
    QS_SBX_SC_BUSY,
    QS_SBX_SC_COUNT
} qs_sbx_scenario_t;

typedef enum {
    QS_SBX_POD_OK = 0,          /* Running, Ready */
    QS_SBX_POD_OOM,             /* Running again after OOMKilled (exit 137) */
    QS_SBX_POD_CRASH_LOOP,      /* waiting CrashLoopBackOff */
    QS_SBX_POD_IMAGE_PULL,      /* Pending, waiting ImagePullBackOff */
    QS_SBX_POD_UNSCHEDULABLE,   /* Pending, PodScheduled False */
    QS_SBX_POD_NOT_READY,       /* Running, Ready False (readiness probe) */
    QS_SBX_POD_RESTARTING       /* Running, many restarts (liveness probe) */
} qs_sbx_pod_state_t;

typedef struct {
    double cpu_avg, cpu_p95, cpu_max;
    double mem_avg, mem_p95, mem_max;
    double conn_avg;
    int conn_max, conn_limit;
    double disk_avg, disk_max;
    double rps_avg;
    int64_t last_activity_ms;   /* 0 = in use right now (rendered as now - 2 min) */
} qs_sbx_metrics_t;

typedef struct {
    char name[96];
    char uid[40];
    char node[32];
    int index;
    qs_sbx_pod_state_t state;
    int restarts;
    int64_t created_ms;
    int64_t last_restart_ms;    /* when the current container started */
} qs_sbx_pod_t;

typedef struct {
    char id[48];
    char org_id[128];
    char name[64];
    char service_type[16];
    char tier[8];
    char version[24];
    char region[24];
    char status[16];            /* running|provisioning|failed|stopped */
    int replicas;
    bool high_availability;
    bool backup_enabled;
    char environment[16];
    int64_t created_ms;
    char namespace_[64];
    qs_sbx_scenario_t scenario;
    qs_sbx_metrics_t metrics;
    int64_t ready_at_ms;        /* provisioning -> running at this time */
    bool fixed;                 /* a restart cured the scenario */
    int generation;             /* StatefulSet metadata.generation */
    qs_sbx_pod_t pods[QS_SBX_MAX_PODS];
    int npods;
} qs_sbx_service_t;

typedef struct {
    char id[128];
    char name[64];
    char plan[16];
} qs_sbx_org_t;

typedef struct _qs_sbx_world_t qs_sbx_world_t;

/*  A new, empty world. NULL on allocation failure. */
qs_sbx_world_t *qs_sbx_world_new (int provision_delay_ms);
void qs_sbx_world_destroy (qs_sbx_world_t **self_p);

void qs_sbx_world_lock (qs_sbx_world_t *self);
void qs_sbx_world_unlock (qs_sbx_world_t *self);

/*  Remove every org, service and idempotency record (used by reset). */
void qs_sbx_world_clear (qs_sbx_world_t *self);

int qs_sbx_world_provision_delay_ms (qs_sbx_world_t *self);

/*  Advance time-driven state: provisioning services whose delay has passed
    become running and get their pods. */
void qs_sbx_world_tick (qs_sbx_world_t *self, int64_t now_ms);

/*  The org with this id; when unknown and plan is not NULL it is created
    with that plan. Lent pointer, NULL when absent (or out of memory). */
qs_sbx_org_t *qs_sbx_world_org (qs_sbx_world_t *self, const char *org_id, const char *plan);

/*  Copy svc in. When its status is not "provisioning" the pods are created
    at once, from the scenario. Returns the stored record or NULL. */
qs_sbx_service_t *qs_sbx_world_add (qs_sbx_world_t *self, const qs_sbx_service_t *svc,
                                    int64_t now_ms);

int qs_sbx_world_count (qs_sbx_world_t *self);
qs_sbx_service_t *qs_sbx_world_at (qs_sbx_world_t *self, int index);
qs_sbx_service_t *qs_sbx_world_find (qs_sbx_world_t *self, const char *id);
qs_sbx_service_t *qs_sbx_world_find_name (qs_sbx_world_t *self, const char *org_id,
                                          const char *name);
/*  Services of an org (for quotas). */
int qs_sbx_world_count_org (qs_sbx_world_t *self, const char *org_id);

/*  Remove the service and its pods. 0, or -1 when unknown. */
int qs_sbx_world_remove (qs_sbx_world_t *self, const char *id);

/*  The pod named name in namespace ns; *svc_p receives its service. */
qs_sbx_pod_t *qs_sbx_world_find_pod (qs_sbx_world_t *self, const char *ns, const char *name,
                                     qs_sbx_service_t **svc_p);

/*  Rebuild the pod set after replicas or HA changed: existing pods keep their
    state, new ones start healthy. */
void qs_sbx_world_resize (qs_sbx_service_t *svc, int64_t now_ms);

/*  Delete a pod as Kubernetes would and let the StatefulSet recreate it:
    new uid, restartCount 0. OOM, crash-loop and frequent-restart pods come
    back healthy (the sandbox's "restart fixes it"); image-pull,
    unschedulable and readiness problems persist. */
void qs_sbx_world_restart_pod (qs_sbx_service_t *svc, qs_sbx_pod_t *pod, int64_t now_ms);

/*  Idempotency: the service id created for (org, key) and the hash of the
    body that created it. 1 found, 0 not. */
int qs_sbx_world_idem_find (qs_sbx_world_t *self, const char *org_id, const char *key,
                            uint64_t *body_hash, char *service_id, size_t size);
int qs_sbx_world_idem_add (qs_sbx_world_t *self, const char *org_id, const char *key,
                           uint64_t body_hash, const char *service_id);

#endif
