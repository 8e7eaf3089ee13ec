#!/usr/bin/env python3
"""fake_llm - a small OpenAI-compatible (Groq-flavoured) chat-completions server
for tests and local runs. Loopback only, standard library only.

    tests/fakes/fake_llm.py [--port 0] [--api-key KEY] [--exit-on-eof]

Prints "PORT <n>" on stdout once it listens. With --exit-on-eof it exits when
its stdin closes (so a test that dies never leaves it behind).

POST <anything>/chat/completions speaks the real format: chat.completion
objects (id, choices[0].message {role, content, reasoning?}, usage with
prompt_tokens/completion_tokens/queue_time/total_time, x-ratelimit-* headers),
or with "stream": true chat.completion.chunk events, a final chunk carrying
x_groq.usage, then "data: [DONE]".

Misbehaviour is scripted per request as a list of steps. The step for a
request comes from, in order: the queue set by POST /control/script
{"steps": [...]}; the X-Fake-Scenario header ("429,ok"); the model name
"fake/<steps>" (e.g. model "fake/429:1,ok": the first request gets a 429 with
retry-after 1, every later one the last step). Counters are per header value
or model name. Steps:
  ok                  a normal answer
  429[:secs]          rate limited, retry-after secs (default 1)
  503[:secs]          overloaded, retry-after secs (default 1)
  498                 capacity_exceeded
  500, 502, 401       that status with an OpenAI-style error body
  validate            400 json_validate_failed (with failed_generation)
  noschema            400 "does not support json_schema" when the request
                      asks for json_schema; a normal answer otherwise
  slow[:secs]         answer after secs (default 3)
  truncate            stream: two chunks then the connection closes;
                      non-stream: a body shorter than its Content-Length
  nonjson             content that is plain prose, not JSON
  malformed           a 200 whose body is not JSON
  errchunk            stream: one chunk then an error event
  badchunk            stream: one chunk then a data line that is not JSON

The content of a normal answer is the next string queued with POST
/control/replies {"contents": [...]}, else a heuristic answer to classify /
extract prompts (the prompts say "TASK: classify" / "TASK: extract"), else an
echo. GET /control/stats returns {"requests", "times_ms", "bodies",
"auth_ok"}; POST /control/reset clears everything.
"""
import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {}


def reset_state():
    STATE.clear()
    STATE.update(script=[], replies=[], counters={}, requests=0, times_ms=[],
                 bodies=[], auth_ok=[], remaining_requests=14400)


reset_state()

INTENT_CUES = [
    ("troubleshoot", r"\b(crash|down|error|fail|slow|oom|restart|broken|timeout|not working)"),
    ("get_connection_info", r"\b(connect|connection|uri|host|port|password|credentials)"),
    ("optimize_costs", r"\b(cost|cheaper|save|saving|bill|expensive|optimi[sz]e)"),
    ("provision_service", r"\b(create|provision|spin up|deploy|new|set up|need a)"),
    ("get_service_info", r"\b(list|show|status|what services|my services|info)"),
]
SERVICE_WORDS = {"postgres": "postgresql", "postgresql": "postgresql", "pg": "postgresql",
                 "redis": "redis", "cache": "redis", "mongo": "mongodb", "mongodb": "mongodb",
                 "mysql": "mysql", "kafka": "kafka", "rabbitmq": "rabbitmq",
                 "elasticsearch": "elasticsearch"}


def heuristic_classify(text):
    low = text.lower()
    for intent, pattern in INTENT_CUES:
        if re.search(pattern, low):
            return {"intent": intent, "confidence": 0.82,
                    "alternatives": [{"intent": "general_question", "confidence": 0.1}]}
    return {"intent": "general_question", "confidence": 0.6, "alternatives": []}


def heuristic_extract(text):
    low = text.lower()
    config = {}
    for word, service in SERVICE_WORDS.items():
        if re.search(r"\b%s\b" % re.escape(word), low):
            config["service_type"] = service
            break
    m = re.search(r"\b(nano|micro|small|medium|large|xlarge)\b", low)
    if m:
        config["tier"] = m.group(1)
    m = re.search(r"\b(?:named|called)\s+([a-z0-9][a-z0-9-]{0,62})", low)
    if m:
        config["name"] = m.group(1)
    m = re.search(r"\b(\d+)\s+replicas?\b", low)
    if m:
        config["replicas"] = int(m.group(1))
    if re.search(r"\b(no|without)\s+(ha|high availability)\b", low):
        config["high_availability"] = False
    elif re.search(r"\b(ha|high availability)\b", low):
        config["high_availability"] = True
    for env in ("production", "staging", "development"):
        if env in low:
            config["environment"] = env
    confirmation = "none"
    if re.fullmatch(r"\s*(yes|y|go ahead|confirm)\W*", low):
        confirmation = "yes"
    elif re.fullmatch(r"\s*(no|n|cancel)\W*", low):
        confirmation = "no"
    missing = [f for f in ("service_type", "name") if f not in config]
    return {"config": config, "missing": missing, "service_ref": None,
            "confirmation": confirmation}


def pick_content(body):
    with LOCK:
        if STATE["replies"]:
            return STATE["replies"].pop(0)
    messages = body.get("messages") or []
    system = " ".join(m.get("content") or "" for m in messages if m.get("role") == "system")
    users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
    last = users[-1] if users else ""
    m = re.search(r'"message"\s*:\s*("(?:[^"\\]|\\.)*")', last)
    text = json.loads(m.group(1)) if m else last
    if "TASK: classify" in system:
        return json.dumps(heuristic_classify(text))
    if "TASK: extract" in system:
        return json.dumps(heuristic_extract(text))
    return "You said: " + text[:200]


def next_step(handler, body):
    with LOCK:
        if STATE["script"]:
            return STATE["script"].pop(0)
        key = handler.headers.get("X-Fake-Scenario")
        if not key:
            model = str(body.get("model") or "")
            key = model[5:] if model.startswith("fake/") else "ok"
        steps = [s.strip() for s in key.split(",") if s.strip()] or ["ok"]
        n = STATE["counters"].get(key, 0)
        STATE["counters"][key] = n + 1
        return steps[min(n, len(steps) - 1)]


def approx_tokens(text):
    return max(1, len(text) // 4)


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-llm/1.0"
    api_key = None

    def log_message(self, fmt, *args):  # quiet: tests read stderr only on failure
        sys.stderr.write("fake_llm: " + (fmt % args) + "\n")

    # -- helpers -------------------------------------------------------------
    def send_json(self, status, obj, extra=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def send_error_body(self, status, message, etype, code=None, extra=None, more=None):
        err = {"message": message, "type": etype}
        if code:
            err["code"] = code
        err.update(more or {})
        self.send_json(status, {"error": err}, extra)

    def ratelimit_headers(self, tokens):
        with LOCK:
            STATE["remaining_requests"] = max(0, STATE["remaining_requests"] - 1)
            left = STATE["remaining_requests"]
        return {"x-ratelimit-limit-requests": "14400",
                "x-ratelimit-remaining-requests": str(left),
                "x-ratelimit-limit-tokens": "6000",
                "x-ratelimit-remaining-tokens": str(max(0, 6000 - tokens)),
                "x-ratelimit-reset-requests": "6s",
                "x-ratelimit-reset-tokens": "1.5s",
                "x-request-id": "req_fake_%d" % int(time.time() * 1000)}

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    # -- routes --------------------------------------------------------------
    def do_GET(self):
        if self.path.startswith("/control/stats"):
            with LOCK:
                self.send_json(200, {"requests": STATE["requests"],
                                     "times_ms": STATE["times_ms"],
                                     "bodies": STATE["bodies"],
                                     "auth_ok": STATE["auth_ok"]})
        elif self.path.endswith("/models"):
            self.send_json(200, {"object": "list", "data": [
                {"id": "openai/gpt-oss-20b", "object": "model", "owned_by": "fake"}]})
        else:
            self.send_error_body(404, "Unknown path", "invalid_request_error", "not_found")

    def do_POST(self):
        body = self.read_body()
        if self.path.startswith("/control/"):
            with LOCK:
                if self.path == "/control/reset":
                    reset_state()
                elif self.path == "/control/script" and body:
                    STATE["script"].extend(str(s) for s in body.get("steps", []))
                elif self.path == "/control/replies" and body:
                    STATE["replies"].extend(str(s) for s in body.get("contents", []))
                else:
                    body = None
            if body is None:
                self.send_error_body(400, "bad control request", "invalid_request_error")
            else:
                self.send_json(200, {"ok": True})
            return
        if not self.path.endswith("/chat/completions"):
            self.send_error_body(404, "Unknown path", "invalid_request_error", "not_found")
            return
        auth = self.headers.get("Authorization") or ""
        auth_ok = self.api_key is None or auth == "Bearer " + self.api_key
        with LOCK:
            STATE["requests"] += 1
            STATE["times_ms"].append(int(time.monotonic() * 1000))
            STATE["bodies"].append(body)
            STATE["auth_ok"].append(auth_ok)
        if body is None or not isinstance(body.get("messages"), list):
            self.send_error_body(400, "'messages' : property 'messages' is missing",
                                 "invalid_request_error")
            return
        if not auth_ok:
            self.send_error_body(401, "Invalid API Key", "invalid_request_error",
                                 "invalid_api_key")
            return
        step = next_step(self, body)
        name, _, arg = step.partition(":")
        try:
            self.run_step(name, arg, body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def run_step(self, name, arg, body):
        fmt = (body.get("response_format") or {}).get("type")
        if name in ("429", "503"):
            secs = arg or "1"
            msg = ("Rate limit reached for model. Please try again in %ss." % secs
                   if name == "429" else "Service Unavailable")
            etype = "tokens" if name == "429" else "internal_server_error"
            self.send_error_body(int(name), msg, etype,
                                 "rate_limit_exceeded" if name == "429" else None,
                                 {"retry-after": secs})
        elif name == "498":
            self.send_error_body(498, "Flex tier capacity exceeded. Please try again later.",
                                 "capacity_exceeded", "capacity_exceeded")
        elif name in ("500", "502", "401"):
            self.send_error_body(int(name), "fake %s" % name, "internal_server_error")
        elif name == "validate":
            self.send_error_body(400, "Failed to generate JSON. Please adjust your prompt.",
                                 "invalid_request_error", "json_validate_failed",
                                 more={"failed_generation": "{\"intent\": "})
        elif name == "noschema" and fmt == "json_schema":
            self.send_error_body(400, "This model does not support response format "
                                 "`json_schema`. See supported models at "
                                 "https://console.groq.com/docs/structured-outputs",
                                 "invalid_request_error")
        elif name == "malformed":
            data = b"<html>upstream gateway hiccup"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            if name == "slow":
                time.sleep(float(arg or "3"))
            content = ("Sure! Here is what I found: it looks fine." if name == "nonjson"
                       else pick_content(body))
            if body.get("stream"):
                self.answer_stream(body, content, name)
            else:
                self.answer(body, content, name == "truncate")

    def usage(self, body, content):
        prompt = sum(approx_tokens(m.get("content") or "") for m in body["messages"])
        completion = approx_tokens(content)
        return {"queue_time": 0.012, "prompt_tokens": prompt, "prompt_time": 0.004,
                "completion_tokens": completion, "completion_time": 0.02,
                "total_tokens": prompt + completion, "total_time": 0.024}

    def reasoning_for(self, body):
        if body.get("reasoning_effort") or "gpt-oss" in str(body.get("model")):
            return "The user wants something; I will answer in the requested format."
        return None

    def answer(self, body, content, truncate):
        usage = self.usage(body, content)
        message = {"role": "assistant", "content": content}
        reasoning = self.reasoning_for(body)
        if reasoning:
            message["reasoning"] = reasoning
        obj = {"id": "chatcmpl-fake%d" % STATE["requests"], "object": "chat.completion",
               "created": int(time.time()), "model": body.get("model"),
               "choices": [{"index": 0, "message": message, "logprobs": None,
                            "finish_reason": "stop"}],
               "usage": usage, "system_fingerprint": "fp_fake",
               "x_groq": {"id": "req_fake"}}
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data) + (100 if truncate else 0)))
        for k, v in self.ratelimit_headers(usage["total_tokens"]).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data[: len(data) // 2] if truncate else data)
        if truncate:
            self.close_connection = True

    def answer_stream(self, body, content, step):
        usage = self.usage(body, content)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        for k, v in self.ratelimit_headers(usage["total_tokens"]).items():
            self.send_header(k, v)
        self.end_headers()
        cid = "chatcmpl-fake%d" % STATE["requests"]
        base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model"), "system_fingerprint": "fp_fake"}

        def event(delta, finish=None, extra=None):
            chunk = dict(base)
            chunk["choices"] = [{"index": 0, "delta": delta, "logprobs": None,
                                 "finish_reason": finish}]
            chunk.update(extra or {})
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()

        event({"role": "assistant", "content": ""}, extra={"x_groq": {"id": "req_fake"}})
        reasoning = self.reasoning_for(body)
        if reasoning:
            for i in range(0, len(reasoning), 16):
                event({"reasoning": reasoning[i:i + 16]})
        pieces = [content[i:i + 5] for i in range(0, len(content), 5)]
        for n, piece in enumerate(pieces):
            if step == "truncate" and n == 2:
                self.close_connection = True
                return
            if step == "badchunk" and n == 1:
                self.wfile.write(b'data: {"choices": [{"delta": {"content": "x"\n\n')
                self.close_connection = True
                return
            if step == "errchunk" and n == 1:
                self.wfile.write(b'data: {"error":{"message":"fake stream failure",'
                                 b'"type":"internal_server_error"}}\n\n')
                self.close_connection = True
                return
            event({"content": piece})
        event({}, "stop", {"x_groq": {"id": "req_fake", "usage": usage}})
        self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--exit-on-eof", action="store_true")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        parser.error("loopback only")
    Handler.api_key = args.api_key
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    if args.exit_on_eof:
        def watch():
            sys.stdin.read()
            server.shutdown()
        threading.Thread(target=watch, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    server.server_close()


if __name__ == "__main__":
    main()
