// Validates `helm template` output offline: every object against the Kubernetes schemas
// (kubernetes-models), then the properties an operator relies on.
// usage: node validate.mjs <rendered.yaml> <profile: default|production|readonly>
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [file, profile] = process.argv.slice(2);
const docs = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
let failures = 0;
const fail = (msg) => { failures++; console.error(`FAIL [${profile}] ${msg}`); };
const ok = (cond, msg) => { if (!cond) fail(msg); };

const dirOf = (apiVersion) => (apiVersion.includes("/") ? apiVersion : `v1`);
let validated = 0;
for (const obj of docs) {
  const id = `${obj.kind}/${obj.metadata?.name}`;
  if (obj.apiVersion === "monitoring.coreos.com/v1") {
    ok(Array.isArray(obj.spec?.endpoints) && obj.spec.endpoints.length > 0, `${id}: endpoints`);
    continue;
  }
  try {
    const mod = await import(`kubernetes-models/${dirOf(obj.apiVersion)}/${obj.kind}`);
    new mod[obj.kind](obj).validate();
    validated++;
  } catch (e) {
    fail(`${id}: ${e.message.split("\n").slice(0, 4).join(" ")}`);
  }
}

const byKind = (k) => docs.filter((d) => d.kind === k);
const deployments = [...byKind("Deployment"), ...byKind("StatefulSet")];
const components = ["broker", "gateway", "intent", "workflow", "knowledge", "k8s"];
ok(deployments.length === components.length, `one Deployment per component (got ${deployments.length})`);
for (const d of deployments) {
  const pod = d.spec.template.spec;
  for (const c of pod.containers) {
    const id = `${d.metadata.name}/${c.name}`;
    ok(c.resources?.limits?.cpu && c.resources?.limits?.memory, `${id}: cpu and memory limits`);
    ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${id}: requests`);
    ok(c.livenessProbe && c.readinessProbe, `${id}: liveness and readiness probes`);
    const sc = c.securityContext || {};
    ok(sc.runAsNonRoot === true || pod.securityContext?.runAsNonRoot === true, `${id}: non-root`);
    ok(sc.readOnlyRootFilesystem === true, `${id}: read-only root filesystem`);
    ok(sc.allowPrivilegeEscalation === false, `${id}: no privilege escalation`);
    ok((sc.capabilities?.drop || []).includes("ALL"), `${id}: capabilities dropped`);
    for (const e of c.env || [])
      ok(!(/SECRET|KEY|STORE_URL/.test(e.name) && !e.name.endsWith("_FILE") && e.value), `${id}: ${e.name} must come from a Secret`);
  }
  const comp = d.metadata.labels["app.kubernetes.io/component"];
  ok((pod.serviceAccountName !== undefined) === (comp === "k8s"), `${d.metadata.name}: only k8s-svc gets the service account`);
}
for (const cm of byKind("ConfigMap"))
  for (const k of Object.keys(cm.data || {}))
    ok(!/SECRET|API_KEY|PASSWORD|TOKEN/.test(k), `ConfigMap ${cm.metadata.name} holds no secret (${k})`);

const hpaTargets = byKind("HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name.split("-").pop());
for (const c of ["gateway", "intent", "workflow", "knowledge", "k8s"])
  ok(hpaTargets.includes(c), `HPA for ${c}`);
ok(byKind("PodDisruptionBudget").length >= 5, "PodDisruptionBudgets for the scaled components");
ok(byKind("Service").some((s) => s.metadata.name.endsWith("-gateway")), "gateway Service");
ok(byKind("Service").some((s) => s.metadata.name.endsWith("-broker") && s.spec.ports[0].port), "broker Service");

// RBAC: exactly what k8s-svc needs, nothing more
const role = byKind("ClusterRole")[0];
const rules = Object.fromEntries((role?.rules || []).flatMap((r) =>
  r.resources.map((res) => [`${r.apiGroups[0] || "core"}:${res}`, [...r.verbs].sort().join(",")])));
const expected = {
  "core:pods": profile === "readonly" ? "get,list" : "delete,get,list",
  "core:pods/log": "get",
  "core:events": "get,list",
  "metrics.k8s.io:pods": "get,list",
};
ok(JSON.stringify(rules) === JSON.stringify(expected), `ClusterRole rules ${JSON.stringify(rules)} == ${JSON.stringify(expected)}`);

const config = byKind("ConfigMap")[0]?.data || {};
const brokers = (config.QS_BROKER_ENDPOINT || "").split(",").filter(Boolean);
const brokerSet = byKind("StatefulSet").find((s) => s.metadata.labels["app.kubernetes.io/component"] === "broker");
ok(brokerSet && brokers.length === brokerSet.spec.replicas, `one endpoint per broker pod (${brokers.length})`);
const brokerEnv = (brokerSet?.spec.template.spec.containers[0].env || []).map((e) => e.name);
const curveOn = brokerEnv.includes("QS_CURVE_SERVER_SECRET_FILE");
ok(curveOn !== brokerEnv.includes("QS_BUS_ALLOW_PLAINTEXT"), "broker: CURVE keys or plaintext explicitly allowed, not both");
for (const d of deployments) {
  const vol = (d.spec.template.spec.volumes || []).find((v) => v.name === "curve");
  const comp = d.metadata.labels["app.kubernetes.io/component"];
  if (vol) ok(!vol.secret.items.some((i) => i.key === "broker.key") || comp === "broker", `${comp}: never mounts the broker's secret key`);
}

if (profile === "production") {
  ok(brokers.length >= 2, "production runs two brokers");
  ok(curveOn, "production encrypts the bus");
  ok(byKind("NetworkPolicy").length >= 3, "network policies");
  ok(docs.some((d) => d.kind === "ServiceMonitor"), "ServiceMonitor");
  const wf = deployments.find((d) => d.metadata.labels["app.kubernetes.io/component"] === "workflow");
  const storeEnv = wf.spec.template.spec.containers[0].env.find((e) => e.name === "QS_STORE_URL");
  ok(storeEnv?.valueFrom?.secretKeyRef, "workflow reads the MongoDB URL from a Secret");
  ok(byKind("Secret").length === 0, "production values create no Secret (existingSecret everywhere)");
  const gwPolicy = byKind("NetworkPolicy").find((p) => p.metadata.name.endsWith("-gateway"));
  const peers = gwPolicy?.spec?.ingress?.[0]?.from || [];
  ok(peers.length >= 2, "production: the gateway takes the ingress controller and Alertmanager only");
  ok(peers.some((p) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "alertmanager"
                     && p.namespaceSelector?.matchLabels),
     "production: Alertmanager may reach the gateway (its receiver)");
}
const cm = byKind("ConfigMap").find((c) => c.data && "QS_PLATFORM_URL" in c.data);
ok(cm && "QS_NOTIFY_ALLOW_HOSTS" in cm.data, "QS_NOTIFY_ALLOW_HOSTS is in the suite's environment");

console.log(`${profile}: ${docs.length} objects, ${validated} schema-validated, ${failures} failures`);
process.exit(failures ? 1 : 0);
