/*  recommendations - print an org's cost recommendations over the bus with
    libquickspin-client (proto/client.md).

    The org is the one in the bearer token: QUICKSPIN_TOKEN (a JWT the
    broker verifies like the REST gateway does). Keys and endpoint come
    from the environment: QS_BROKER_ENDPOINT, QS_CURVE_SERVER_PUBLIC_FILE +
    QS_CURVE_CLIENT_KEY_FILE (a client or integration key) on a secured bus.

        cc recommendations.c $(pkg-config --cflags --libs quickspin-client)
        QUICKSPIN_TOKEN=$(quickspin token --org org-acme) ./recommendations [--json]

    Exit status: 0 on success, 1 on any error (printed with its code). */
#include <quickspin-client.h>
#include <stdio.h>
#include <string.h>

static double
s_num (json_object *obj, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex (obj, key, &v) ? json_object_get_double (v) : 0.0;
}

static const char *
s_str (json_object *obj, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex (obj, key, &v) ? json_object_get_string (v) : "";
}

int
main (int argc, char *argv [])
{
    int json = argc > 1 && strcmp (argv [1], "--json") == 0;
    qsc_error_t err;
    qsc_config_t config = { .timeout_ms = 20000 };
    qsc_client_t *client = qsc_client_new (&config, &err);
    if (!client) {
        fprintf (stderr, "recommendations: %s: %s\n", qsc_code_name (err.code), err.message);
        return 1;
    }
    json_object *reply = NULL;
    int rc = qsc_recommendations (client, &reply, &err);
    if (rc != 0)
        fprintf (stderr, "recommendations: %s (%d %s): %s\n", qsc_code_name (err.code), err.status,
                 err.name, err.message);
    else
    if (json)
        printf ("%s\n", json_object_to_json_string_ext (reply, JSON_C_TO_STRING_PLAIN));
    else {
        json_object *list = NULL;
        json_object_object_get_ex (reply, "recommendations", &list);
        size_t n = list ? json_object_array_length (list) : 0;
        printf ("%zu recommendation%s\n", n, n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++) {
            json_object *r = json_object_array_get_idx (list, i);
            printf ("  [%-6s] %-14s %-24s saves $%.2f/month: %s\n", s_str (r, "priority"),
                    s_str (r, "type"), s_str (r, "service_name"), s_num (r, "monthly_savings"),
                    s_str (r, "description"));
        }
        printf ("total potential savings: $%.2f/month\n", s_num (reply, "total_potential_savings"));
    }
    json_object_put (reply);
    qsc_client_destroy (&client);
    return rc == 0 ? 0 : 1;
}
