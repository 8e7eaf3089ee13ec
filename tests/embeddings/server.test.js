// Checks of the loopback embeddings server: request validation without the
// model, then the real model through HTTP on 127.0.0.1 (shape, unit vectors,
// that a paraphrase lands nearer than an unrelated text, errors, the API
// key), and that loading makes no network connection at all.
// Run: tests/embeddings/setup && node --test tests/embeddings/
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const http = require("node:http");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { parseRequest, normalise, makeServer, loadModel, HttpError } = require("./server.js");

function status(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof HttpError, String(e));
    return e.status;
  }
  return 200;
}

test("parseRequest accepts the OpenAI shapes and refuses the rest", () => {
  assert.deepStrictEqual(parseRequest('{"input":"hi"}').texts, ["hi"]);
  const r = parseRequest('{"input":["a","b"],"model":"m","dimensions":8,"encoding_format":"base64"}');
  assert.deepStrictEqual(r.texts, ["a", "b"]);
  assert.strictEqual(r.model, "m");
  assert.strictEqual(r.dims, 8);
  assert.strictEqual(r.base64, true);
  for (const bad of ["nope", "[]", '{"input":[]}', '{"input":[""]}', '{"input":[1,2]}',
                     '{"input":"x","dimensions":0}', '{"input":"x","dimensions":513}',
                     '{"input":"x","encoding_format":"int8"}', '{"input":"x","model":5}',
                     JSON.stringify({ input: new Array(2049).fill("x") }),
                     JSON.stringify({ input: "x".repeat(40000) })])
    assert.strictEqual(status(() => parseRequest(bad)), 400, bad.slice(0, 40));
});

test("normalise gives unit length, also when shortened", () => {
  const v = normalise([3, 4, 12], 2);
  assert.strictEqual(v.length, 2);
  assert.ok(Math.abs(v[0] - 0.6) < 1e-6 && Math.abs(v[1] - 0.8) < 1e-6);
  assert.deepStrictEqual(Array.from(normalise([0, 0], 2)), [0, 0]);
});

function request(port, method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : (typeof body === "string" ? body : JSON.stringify(body));
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath,
                               headers: { "Content-Type": "application/json", ...headers } }, (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode,
                                    body: JSON.parse(Buffer.concat(parts).toString() || "null") }));
    });
    req.on("error", reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

test("the real model over HTTP", async (t) => {
  const model = await loadModel();
  const server = makeServer(model, "");
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  t.after(() => server.close());

  const texts = ["my redis cache ran out of memory and rejects writes",
                 "Redis OOM: used memory is above maxmemory",
                 "how do I rotate the TLS certificate of a kafka cluster"];
  const r = await request(port, "POST", "/v1/embeddings", { input: texts, model: "x" });
  assert.strictEqual(r.status, 200);
  assert.strictEqual(r.body.object, "list");
  assert.strictEqual(r.body.model, "x");
  assert.strictEqual(r.body.data.length, 3);
  r.body.data.forEach((d, i) => {
    assert.strictEqual(d.index, i);
    assert.strictEqual(d.embedding.length, 512);
    assert.ok(Math.abs(dot(d.embedding, d.embedding) - 1) < 1e-4);
  });
  const [a, b, c] = r.body.data.map((d) => d.embedding);
  assert.ok(dot(a, b) > dot(a, c), `paraphrase ${dot(a, b)} vs unrelated ${dot(a, c)}`);

  // one text alone gets the same vector as inside a batch; the plain path too
  const one = await request(port, "POST", "/embeddings", { input: texts[2] });
  assert.strictEqual(one.status, 200);
  assert.ok(dot(one.body.data[0].embedding, c) > 0.9999);

  const short = await request(port, "POST", "/v1/embeddings",
                              { input: "hello", dimensions: 16, encoding_format: "base64" });
  assert.strictEqual(short.status, 200);
  // copied out: a small Buffer is a view into a shared pool
  const f = new Float32Array(Uint8Array.from(Buffer.from(short.body.data[0].embedding, "base64")).buffer);
  assert.strictEqual(f.length, 16);
  assert.ok(Math.abs(dot(Array.from(f), Array.from(f)) - 1) < 1e-4);

  assert.strictEqual((await request(port, "POST", "/v1/embeddings", "{bad")).status, 400);
  const bad = await request(port, "POST", "/v1/embeddings", { input: [] });
  assert.strictEqual(bad.status, 400);
  assert.strictEqual(bad.body.error.type, "invalid_request_error");
  assert.strictEqual((await request(port, "GET", "/v1/embeddings")).status, 405);
  assert.strictEqual((await request(port, "POST", "/v1/chat")).status, 404);
  const health = await request(port, "GET", "/health");
  assert.deepStrictEqual(health.body, { status: "ok", model: "universal-sentence-encoder-lite",
                                        dimensions: 512 });

  // with a key: refused without it or with another, served with it
  const locked = makeServer(model, "s3cret-key");
  await new Promise((r) => locked.listen(0, "127.0.0.1", r));
  t.after(() => locked.close());
  const lp = locked.address().port;
  const none = await request(lp, "POST", "/v1/embeddings", { input: "x" });
  assert.strictEqual(none.status, 401);
  assert.ok(!JSON.stringify(none.body).includes("s3cret"));
  assert.strictEqual((await request(lp, "POST", "/v1/embeddings", { input: "x" },
                                    { Authorization: "Bearer wrong" })).status, 401);
  assert.strictEqual((await request(lp, "POST", "/v1/embeddings", { input: "x" },
                                    { Authorization: "Bearer s3cret-key" })).status, 200);
});

test("the model loads and embeds with every network connection refused", () => {
  // a fresh process where any socket connect throws: the weights, vocabulary
  // and WebAssembly kernels must all come from the package files
  const script = `
    const net = require("node:net");
    net.Socket.prototype.connect = function () { throw new Error("network use: " + JSON.stringify(arguments[0])); };
    globalThis.fetch = () => Promise.reject(new Error("network use: fetch"));
    require(${JSON.stringify(path.join(__dirname, "server.js"))}).loadModel()
      .then((m) => m.embed(["offline check"]))
      .then((e) => { console.log(e[0].length); })
      .catch((e) => { console.error(String(e)); process.exit(1); });`;
  const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.strictEqual(out.trim(), "512");
});
