#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz (small, real-shaped inputs).
Run from anywhere; seeds are regenerated in place (reproducers found by
fuzzing are kept: they are not named seed-*). The JWT seeds are signed
with the test-only keys of tests/gateway/keys."""
import base64, hashlib, hmac, json, os, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KEYS = os.path.join(ROOT, "tests", "gateway", "keys")
FIX = os.path.join(ROOT, "tests", "k8s", "fixtures")


def put(target, name, data):
    # str or bytes; str is written as UTF-8
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def j(obj):
    return json.dumps(obj, separators=(",", ":"))


# ---- envelope: mode byte, frames split by 0x1e ----
TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
AUTH = j({"sub": "u-42", "org_id": "org-7", "tier": "pro", "roles": ["member"], "token": "eyJhbGciOi.x.y"})
BODY = j({"message": "why is my redis slow?", "conversation_id": "c-9", "stream": True})
def env(frames, mode):
    return bytes([mode]) + b"\x1e".join(f if isinstance(f, bytes) else f.encode() for f in frames)
full = ["call-1", "req-0001", TP, "1800000000000", "workflow", "chat", AUTH, BODY]
put("envelope", "full-parsed", env(full, 0x01))
put("envelope", "full-raw", env(full, 0x00))
put("envelope", "anonymous", env(["c2", "", "", "1800000000000", "knowledge", "search", "", "{}"], 0x01))
put("envelope", "peek-then-decode", env(full, 0x03))
put("envelope", "client-header", env(["QSC", b"\x01", b"\x02"] + full, 0x05))
put("envelope", "worker-header", env(["QSW", b"\x01", b"\x02"] + full, 0x0d))
put("envelope", "bad-version", env(["QSC", b"\x02", b"\x02"] + full, 0x05))
put("envelope", "seven-frames", env(full[:7], 0x01))
put("envelope", "body-array", env(full[:7] + ["[1,2,3]"], 0x01))
put("envelope", "bad-deadline", env(full[:3] + ["-5"] + full[4:], 0x01))

# ---- json: request bodies ----
put("json", "chat", BODY)
put("json", "nested", j({"a": {"b": [1, 2.5, {"c": None, "d": False}]}, "e": "\u00e9\u4e2d", "n": -0.0}))
put("json", "path", "@choices.0.message.content\n" + j({"choices": [{"message": {"role": "assistant", "content": "hi"}}]}))
put("json", "numbers", '{"big":9223372036854775807,"over":9223372036854775808,"neg":-9223372036854775809,"exp":1e308,"tiny":5e-324,"x":1.5}')
put("json", "escapes", '{"s":"a\\u0000b\\ud83d\\ude00\\n\\"q\\"","k\\u00e9y":true}')
put("json", "array-top", '[{"id":1},{"id":"two"},[],{}]')
put("json", "deep", "[" * 60 + "]" * 60)
put("json", "trailing", '{"a":1} x')
put("json", "req-chat", "@/api/v1/chat\n" + j({"message": "Why is my cache-prod slow?", "conversation_id": None}))
put("json", "req-conversation", "@/api/v1/chat/conversations/conv-0123\n{}")
put("json", "req-action", "@/api/v1/actions/act-9/confirm\n" + j({"confirm": True}))
put("json", "req-ping", "@/api/v1/ping/knowledge\n")
put("json", "req-query", "@q=redis+memory&limit=5&x=%E2%82%AC&q=dup\n{}")
put("json", "req-id", "@req-01HZX.abc:9\n" + j({"message": "\u00e9" * 10}))
put("json", "req-bad-utf8", b"@/api/v1/chat\n" + b'{"message":"\xc3\x28"}')

# ---- jwt ----
SECRET = b"fuzz-secret-0123456789-abcdefghijklmnop"
def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def hs(header, claims):
    si = b64(j(header).encode()) + "." + b64(j(claims).encode())
    return si + "." + b64(hmac.new(SECRET, si.encode(), hashlib.sha256).digest())
def rs(claims):
    si = b64(j({"alg": "RS256", "typ": "JWT"}).encode()) + "." + b64(j(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", os.path.join(KEYS, "rsa_private.pem")],
                         input=si.encode(), capture_output=True, check=True).stdout
    return si + "." + b64(sig)
def der_to_raw(der):
    # ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> r || s (32 bytes each)
    i = 2 if der[1] < 0x80 else 3
    out = b""
    for _ in range(2):
        n = der[i + 1]
        v = der[i + 2:i + 2 + n].lstrip(b"\x00")
        out += v.rjust(32, b"\x00")
        i += 2 + n
    return out
def es(claims):
    si = b64(j({"alg": "ES256", "typ": "JWT"}).encode()) + "." + b64(j(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", os.path.join(KEYS, "ec_private.pem")],
                         input=si.encode(), capture_output=True, check=True).stdout
    return si + "." + b64(der_to_raw(sig))
NOW = 1800000000
good = {"sub": "u-42", "org_id": "org-7", "tier": "pro", "roles": ["member", "admin"], "exp": NOW + 3600,
        "iat": NOW - 10}
full_claims = dict(good, iss="https://auth.quickspin.test", aud=["quickspin-api", "other"], nbf=NOW - 5)
H = {"alg": "HS256", "typ": "JWT"}
put("jwt", "hs256", b"\x00" + hs(H, good).encode())
put("jwt", "hs256-iss-aud", b"\x80" + hs(H, full_claims).encode())
put("jwt", "hs256-expired", b"\x00" + hs(H, dict(good, exp=NOW - 3600)).encode())
put("jwt", "alg-none", b"\x00" + (b64(j({"alg": "none"}).encode()) + "." + b64(j(good).encode()) + ".").encode())
put("jwt", "rs256", b"\x01" + rs(good).encode())
put("jwt", "rs256-iss-aud", b"\x81" + rs(full_claims).encode())
put("jwt", "es256", b"\x02" + es(good).encode())
put("jwt", "mint-claims", b"\x03" + (j(H) + "\n" + j(full_claims)).encode())
put("jwt", "mint-float-exp", b"\x83" + (j(H) + "\n" + j(dict(full_claims, exp=1.8e9 + 0.5, aud="quickspin-api"))).encode())
put("jwt", "mint-bad-types", b"\x03" + (j(H) + "\n" + '{"sub":1,"org_id":[],"exp":"soon","roles":"admin"}').encode())
put("jwt", "header", b"\x04" + ("Bearer  " + hs(H, good)).encode())
put("jwt", "header-scheme", b"\x04" + "bearer x.y.z".encode())

# ---- sse: mode byte, then the endpoint's bytes ----
def chunk(delta, finish=None, **extra):
    c = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m",
         "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    c.update(extra)
    return "data: " + j(c) + "\n\n"
stream = (": keep-alive\n\n" + chunk({"role": "assistant"}) + chunk({"reasoning": "think"})
          + chunk({"content": "Hello"}) + chunk({"content": " world"})
          + chunk({}, "stop", x_groq={"usage": {"prompt_tokens": 5, "completion_tokens": 2, "queue_time": 0.01}})
          + "data: [DONE]\n\n")
put("sse", "stream", b"\x00" + stream.encode())
put("sse", "stream-crlf-split", b"\x07" + stream.replace("\n", "\r\n").encode())
put("sse", "stream-cancel", b"\x25" + (chunk({"content": "a"}) * 5 + "data: [DONE]\n\n").encode())
put("sse", "usage-last", b"\x03" + (chunk({"content": "x"}) + "data: " + j({"choices": [], "usage": {"prompt_tokens": 1}}) + "\n\ndata: [DONE]\n\n").encode())
put("sse", "error-event", b"\x01" + ("event: error\ndata: " + j({"error": {"message": "overloaded", "type": "server_error"}}) + "\n\n").encode())
put("sse", "multiline-data", b"\x02" + b"event: message\ndata: {\"choices\":[{\"delta\":\ndata: {\"content\":\"hi\"}}]}\nid: 7\nretry: 100\n\n")
put("sse", "not-json", b"\x04" + b"data: hello\n\n")
put("sse", "cut-short", b"\x05" + chunk({"content": "partial"}).encode()[:-1])
completion = j({"id": "chatcmpl-9", "object": "chat.completion", "choices": [
    {"index": 0, "message": {"role": "assistant", "content": "```json\n{\"intent\":\"diagnose\",\"confidence\":0.9}\n```",
                             "reasoning": "r"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 10, "completion_tokens": 7, "total_time": 0.2}})
put("sse", "plain-completion", b"\x10" + completion.encode())
put("sse", "plain-error", b"\x10" + j({"error": {"code": "invalid_request_error", "message": "json_schema is not supported by this model"}}).encode())
put("sse", "plain-headers", b"\x10" + b"HTTP/1.1 429 Too Many Requests\r\nretry-after-ms: 1500\r\nretry-after: 2\r\n"
    b"x-ratelimit-remaining-tokens: 1200\r\nx-ratelimit-remaining-requests: 3\r\nx-ratelimit-remaining-\xff!: 1\r\n\r\n")

# ---- k8s_parse: the fixtures, plus quantities and names ----
for f in sorted(os.listdir(FIX)):
    with open(os.path.join(FIX, f), "rb") as fh:
        put("k8s_parse", f.replace(".json", ""), fh.read())
for i, q in enumerate(["250m", "0.5", "512Mi", "1G", "1e3", "100n", "-1.5Ki", "1E", "12345678901234567890Ei"]):
    put("k8s_parse", "quantity-%d" % i, q)
put("k8s_parse", "name", "cache-prod-0.qs-acme")
put("k8s_parse", "pod-wrong-types", j({"metadata": {"name": 5}, "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "abc", "memory": 12}}}]},
                                       "status": {"containerStatuses": "x", "phase": None}}))

# ---- diagnose ----
def fixture(name):
    with open(os.path.join(FIX, name)) as fh:
        return json.load(fh)
SERVICE = {"id": "svc-oom", "name": "cache", "service_type": "redis", "tier": "small", "status": "running"}
METRICS = {"window": "7d", "cpu_utilization": {"avg": 0.5, "p95": 0.97, "max": 1.0},
           "memory_utilization": {"avg": 0.8, "p95": 0.95, "max": 0.99},
           "connections": {"avg": 80, "max": 100, "limit": 100},
           "disk_utilization": {"avg": 0.9, "max": 0.97}, "requests_per_second": {"avg": 12},
           "last_activity_at": "2026-11-24T00:00:00Z"}
LOGS = {"lines": [{"timestamp": "2026-11-24T04:00:00Z", "level": "error", "message": "FATAL: too many clients already"},
                  {"timestamp": "2026-11-24T04:01:00Z", "level": "warn", "message": "No space left on device"}]}
put("diagnose", "oom", j({"service": SERVICE, "metrics": METRICS, "logs": LOGS, "pods": fixture("pod_oomkilled.json"),
                          "events": fixture("events.json"),
                          "podlogs": {"cache-prod-0": "starting\nOOM command not allowed\npassword=hunter2\n"},
                          "gaps": ["metrics-server"]}))
put("diagnose", "crashloop", j({"service": SERVICE, "pods": [fixture("pod_crashloop.json")]}))
put("diagnose", "imagepull", j({"pods": {"kind": "PodList", "items": [fixture("pod_imagepull.json")]}}))
put("diagnose", "unschedulable", j({"service": dict(SERVICE, tier="xlarge"), "pods": [fixture("pod_unschedulable.json")],
                                    "events": fixture("events.json")["items"]}))
put("diagnose", "podlist", j(fixture("podlist.json")))
put("diagnose", "no-service", j({"service": None, "metrics": METRICS}))

# ---- optimize ----
DAY = 24 * 3600 * 1000
def svc(i, tier, replicas, ha, backups, envname, cost=None):
    s = {"id": "svc-%d" % i, "name": "s%d" % i, "service_type": ["postgres", "redis", "mongodb"][i % 3], "tier": tier,
         "replicas": replicas, "high_availability": ha, "backup_enabled": backups, "environment": envname,
         "status": "running", "created_at": "2026-09-01T00:00:00Z"}
    if cost is not None:
        s["monthly_cost"] = cost
    return s
def met(cpu95, mem95, idle="2026-11-24T00:00:00Z"):
    return {"window": "7d", "cpu_utilization": {"avg": cpu95 / 2, "p95": cpu95, "max": cpu95 * 1.2},
            "memory_utilization": {"avg": mem95 / 2, "p95": mem95, "max": mem95 * 1.2},
            "disk_utilization": {"avg": 0.2, "max": 0.3}, "connections": {"avg": 3, "max": 5, "limit": 100},
            "requests_per_second": {"avg": 4}, "last_activity_at": idle}
put("optimize", "mixed", j({"services": {"services": [svc(0, "large", 4, True, True, "production", 1300.0),
                                                       svc(1, "medium", 1, True, True, "staging"),
                                                       svc(2, "small", 1, False, False, "development")]},
                            "metrics": {"svc-0": met(0.1, 0.12), "svc-1": met(0.05, 0.1), "svc-2": met(0, 0, "2026-10-01T00:00:00Z")},
                            "health": {"svc-0": {"oom_killed": False, "restarts": 0}}}))
put("optimize", "oom-blocks", j({"services": [svc(3, "xlarge", 2, False, False, "production")],
                                 "metrics": {"svc-3": met(0.1, 0.1)}, "health": {"svc-3": {"oom_killed": True, "restarts": 3}}}))
put("optimize", "own-pricing", j({"services": [svc(4, "gold", 3, True, False, "test")], "now_ms": 1795000000000,
                                  "pricing": {"hours_per_month": 720, "ha_multiplier": 1.5, "backup_multiplier": 1.1,
                                              "tiers": {"gold": {"memory_mb": 100, "vcpu": 1, "hourly": 1}, "tin": {"memory_mb": 10, "vcpu": 0.1, "hourly": 0.1}}}}))
put("optimize", "array", j([svc(5, "nano", 1, False, True, "qa")]))
put("optimize", "estimate", j({"services": [], "config": {"tier": "medium", "replicas": 3, "high_availability": True,
                                                             "backup_enabled": True, "memory_mb": 3000},
                               "error": {"error": {"code": "quota_exceeded", "message": "org over quota, token sk-live-1234 redacted?"}}}))
put("optimize", "error-text", j({"services": [], "error": "<html>502 Bad Gateway</html>"}))
put("optimize", "provisioning", j({"services": [dict(svc(6, "micro", 1, False, False, "dev"), status="provisioning")]}))


# ---- alerts: Alertmanager's webhook payload (version 4) ----
def alert(status, labels, fp=None, ends="0001-01-01T00:00:00Z", notes=None):
    a = {"status": status, "labels": labels, "annotations": notes or {"summary": "redis is down"},
         "startsAt": "2026-12-07T10:00:00.123Z", "endsAt": ends, "generatorURL": "http://prometheus/graph"}
    if fp is not None:
        a["fingerprint"] = fp
    return a
def am(alerts, status="firing"):
    return j({"version": "4", "groupKey": "{}:{alertname=\"X\"}", "truncatedAlerts": 0, "status": status,
              "receiver": "quickspin", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
              "externalURL": "http://am:9093", "alerts": alerts})
put("alerts", "by-id", am([alert("firing", {"alertname": "RedisDown", "quickspin_service_id": "svc-acme-cache",
                                             "severity": "critical"}, "a1b2c3d4e5f60718")]))
put("alerts", "by-name", am([alert("firing", {"alertname": "Disk", "quickspin_service": "acme-events"}, "ffee")]))
put("alerts", "by-pod", am([alert("firing", {"alertname": "Crash", "namespace": "qs-acme", "pod": "acme-broker-0"})]))
put("alerts", "resolved", am([alert("resolved", {"alertname": "RedisDown"}, "a1b2c3d4e5f60718",
                                    "2026-12-07T10:05:00Z")], "resolved"))
put("alerts", "fire-then-resolve", am([alert("firing", {"alertname": "Flap"}, "f1"),
                                       alert("resolved", {"alertname": "Flap"}, "f1", "2026-12-07T10:06:00Z")]))
put("alerts", "no-fingerprint", am([alert("firing", {"alertname": "Derived", "job": "node"}),
                                    alert("firing", {"job": "node", "alertname": "Derived"})]))
put("alerts", "description", am([alert("firing", {"alertname": "D"}, "d", notes={"description": "\u00e9\u00e8 " * 200})]))
put("alerts", "hostile-labels", am([alert("firing", {"alertname": "$where", "quickspin_service": "{\"$ne\":1}",
                                                      "severity": "x" * 100}, "$gt")]))
put("alerts", "bad-label-type", am([alert("firing", {"alertname": 5})]))
put("alerts", "wrong-version", j({"version": "3", "alerts": []}))
put("alerts", "empty", am([]))
# ---- mcp: mode byte (bit 0 writes, bits 1-2 version header, bit 3 method
# header = the first line, bits 4-5 the tool runner's answer), then a message
def rpc(method, params=None, id=1):
    m = {"jsonrpc": "2.0", "method": method}
    if id is not None:
        m["id"] = id
    if params is not None:
        m["params"] = params
    return j(m)
INIT = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "1"}}
META = {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}
put("mcp", "initialize", b"\x00" + rpc("initialize", INIT).encode())
put("mcp", "initialize-old", b"\x00" + rpc("initialize", dict(INIT, protocolVersion="2024-11-05")).encode())
put("mcp", "initialized", b"\x00" + rpc("notifications/initialized", id=None).encode())
put("mcp", "ping", b"\x02" + rpc("ping", id="p-1").encode())
put("mcp", "tools-list-writes", b"\x01" + rpc("tools/list").encode())
put("mcp", "discover", b"\x04" + rpc("server/discover", META).encode())
put("mcp", "stateless-mismatch", b"\x02" + rpc("tools/list", META).encode())
put("mcp", "method-header", b"\x08tools/list\n" + rpc("tools/list").encode())
put("mcp", "call-ok", b"\x00" + rpc("tools/call", {"name": "get_service", "arguments": {"service": "acme-cache"}}).encode())
put("mcp", "call-fail", b"\x10" + rpc("tools/call", {"name": "diagnose_service", "arguments": {"service": "x"}}).encode())
put("mcp", "call-empty", b"\x20" + rpc("tools/call", {"name": "list_services", "arguments": {}}).encode())
put("mcp", "call-search", b"\x30" + rpc("tools/call", {"name": "search_knowledge", "arguments": {"query": "redis", "limit": 3}}).encode())
put("mcp", "call-confirm", b"\x01" + rpc("tools/call", {"name": "confirm_action", "arguments": {"action_id": "a", "confirm_name": "n"}}).encode())
put("mcp", "call-chat", b"\x00" + rpc("tools/call", {"name": "chat", "arguments": {"message": "h\u00e9llo", "conversation_id": "c"}}).encode())
put("mcp", "batch", b"\x00[" + rpc("ping").encode() + b"]")
put("mcp", "response", b"\x00" + j({"jsonrpc": "2.0", "id": 5, "result": {}}).encode())
put("mcp", "bad-utf8", b"\x00{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xffing\"}")
put("mcp", "origin", b"\x00https://ok.example\nhttps://a.example, https://ok.example")
