/*  qs_catalog - see qs_catalog.h */
#include "qs_catalog.h"
#include "qs_cue.h"
#include "qs_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
qs_catalog_asked (const char *message)
{
    static const char *const cues[] = {"difference between", "differences between", "compare", "comparison",
                                       "vs", "versus", "which tiers", "what tiers", "tiers are there",
                                       "tiers do you", "tiers can", "available tiers", "list the tiers",
                                       "how much memory does", "how much ram does", "how many cpus",
                                       "how many vcpus", "specs", "specifications", NULL};
    static const char *const about[] = {"tier", "tiers", "nano", "micro", "small", "medium", "large",
                                        "xlarge", NULL};
    return qs_cue_any (message, cues) && qs_cue_any (message, about);
}

typedef struct {
    const char *name;
    double memory_mb, vcpu, hourly;
    bool named;
} s_tier_t;

static int
s_by_price (const void *a, const void *b)
{
    double x = ((const s_tier_t *) a)->hourly, y = ((const s_tier_t *) b)->hourly;
    return x < y ? -1 : x > y;
}

char *
qs_catalog_tiers (json_object *pricing, const char *message, const char *plan_tier)
{
    json_object *tiers = qs_json_get (pricing, "tiers", json_type_object);
    double hours = qs_json_double (pricing, "hours_per_month", 730);
    s_tier_t t[16];
    int n = 0, named = 0, first = -1, second = -1;
    if (tiers) {
        json_object_object_foreach (tiers, name, v) {
            if (n == 16)
                break;
            t[n] = (s_tier_t) {name, qs_json_double (v, "memory_mb", 0), qs_json_double (v, "vcpu", 0),
                               qs_json_double (v, "hourly", 0), qs_cue_has (message, name)};
            n++;
        }
    }
    qsort (t, (size_t) n, sizeof t[0], s_by_price);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&text, &len);
    if (!f)
        return NULL;
    if (n == 0)
        fprintf (f, "The platform's price list has no tiers right now, so I cannot compare them.\n");
    else {
        fprintf (f, "The tiers, per replica (high availability costs x%.1f, backups x%.1f):\n\n"
                    "| tier | memory | vCPU | $/hour | $/month |\n|---|---|---|---|---|\n",
                 qs_json_double (pricing, "ha_multiplier", 2.0), qs_json_double (pricing, "backup_multiplier", 1.2));
        for (int i = 0; i < n; i++) {
            const char *b = t[i].named ? "**" : "";
            if (t[i].memory_mb >= 1024)
                fprintf (f, "| %s%s%s | %g GB", b, t[i].name, b, t[i].memory_mb / 1024);
            else
                fprintf (f, "| %s%s%s | %g MB", b, t[i].name, b, t[i].memory_mb);
            fprintf (f, " | %g | $%.4f | $%.2f |\n", t[i].vcpu, t[i].hourly, t[i].hourly * hours);
            if (t[i].named) {
                named++;
                if (first < 0)
                    first = i;
                else if (second < 0)
                    second = i;
            }
        }
        if (named == 2 && t[first].hourly > 0 && t[first].memory_mb > 0) {
            const s_tier_t *lo = &t[first], *hi = &t[second];
            fprintf (f, "\n**%s** has %gx the memory and %gx the vCPU of **%s**, for %gx the price "
                        "($%.2f instead of $%.2f a month).\n", hi->name, hi->memory_mb / lo->memory_mb,
                     lo->vcpu > 0 ? hi->vcpu / lo->vcpu : 0, lo->name, hi->hourly / lo->hourly,
                     hi->hourly * hours, lo->hourly * hours);
        }
    }
    if (plan_tier && *plan_tier)
        fprintf (f, "\nThe plan waiting for your confirmation is on **%s**: say *\"make it <tier>\"* to change "
                    "it, or **yes** to go ahead.\n", plan_tier);
    if (fclose (f) != 0) {
        free (text);
        return NULL;
    }
    return text;
}
