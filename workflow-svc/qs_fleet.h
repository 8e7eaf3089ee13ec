/*  qs_fleet - "which of my services are failing?": one health line per
    service from its Kubernetes state, the ones needing attention first.
    Pure: the flow (flows/diagnose.c) reads the state and diagnoses each
    service with qs_diagnose_analyze; this module decides whether a message
    asks about several services and writes the answer. */
#ifndef QS_FLEET_H
#define QS_FLEET_H

#include <json-c/json.h>
#include <stdbool.h>

#define QS_FLEET_MAX 25         /* services checked in one answer */

/*  True when a health question is about several services at once ("which
    ones are failing?", "is anything down?", "are my databases ok?"), not
    one service whose name is missing. */
bool qs_fleet_asked (const char *message);

/*  The answer over services (array of Service, lent) and their diagnoses
    (array of the same length, lent; null where the state could not be read),
    of_all: services are every service of the org. Returns the text (caller
    frees) and *attention_p: a new array of the services that are down or
    degraded, in the order the answer numbers them (caller puts). NULL on
    allocation failure. */
char *qs_fleet_answer (json_object *services, json_object *diagnoses, bool of_all,
                       json_object **attention_p);

#endif
