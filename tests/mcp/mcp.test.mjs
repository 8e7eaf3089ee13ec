// The MCP server of QuickSpin AI driven by the official TypeScript SDK client
// (@modelcontextprotocol/sdk): Client over StreamableHTTPClientTransport
// against the real gateway, and over StdioClientTransport spawning
// `quickspin mcp`. The suite (sandbox, broker, workers, gateways) is started
// by tests/mcp/test_mcp_sdk.c, which passes everything in the environment:
//   QS_MCP_GATEWAY     a gateway with QS_MCP_WRITES=1
//   QS_MCP_GATEWAY_RO  a gateway without writes, QS_MCP_ALLOWED_ORIGINS=QS_MCP_ORIGIN
//   QS_MCP_CLI         the quickspin binary
//   QS_MCP_TOKEN_{MEMBER,VIEWER,GLOBEX}  tokens of org-acme member/viewer, org-globex member
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through test_mcp_sdk)`);
  return v;
};
const GW = env('QS_MCP_GATEWAY'), GW_RO = env('QS_MCP_GATEWAY_RO'), CLI = env('QS_MCP_CLI');
const ORIGIN = env('QS_MCP_ORIGIN');
const MEMBER = env('QS_MCP_TOKEN_MEMBER'), VIEWER = env('QS_MCP_TOKEN_VIEWER');
const GLOBEX = env('QS_MCP_TOKEN_GLOBEX');
const READ_TOOLS = ['list_services', 'get_service', 'diagnose_service', 'get_recommendations',
  'search_knowledge', 'get_connection_info', 'chat'];
const started = Date.now();
let checks = 0;
const log = (msg) => console.log(`mcp: [${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

function httpClient(base, token, headers = {}) {
  const all = { ...headers };
  if (token) all.Authorization = `Bearer ${token}`;
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: all } });
  return { client: new Client({ name: 'quickspin-test', version: '1.0.0' }), transport };
}

async function connect(base, token, headers) {
  const { client, transport } = httpClient(base, token, headers);
  await client.connect(transport);
  return client;
}

// a tool result: structuredContent, and the same JSON as text
function ok(result, what) {
  assert.equal(result.isError, false, `${what}: ${JSON.stringify(result).slice(0, 400)}`);
  assert.equal(result.content[0].type, 'text');
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, `${what}: text = structuredContent`);
  checks++;
  return result.structuredContent;
}

function failed(result, what, status) {
  assert.equal(result.isError, true, `${what} should fail: ${JSON.stringify(result).slice(0, 400)}`);
  assert.equal(result.structuredContent.error.status, status, `${what}: ${JSON.stringify(result.structuredContent)}`);
  checks++;
  return result.structuredContent.error;
}

async function rawPost(base, body, headers = {}) {
  const r = await fetch(`${base}/mcp`, {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}

async function toolsOverHttp() {
  const client = await connect(GW, MEMBER);
  assert.equal(client.getServerVersion().name, 'quickspin-ai');
  assert.ok(client.getServerCapabilities().tools, 'the server offers tools');
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_TOOLS, 'confirm_action'].sort());
  for (const t of tools) {
    assert.equal(t.inputSchema.type, 'object', t.name);
    assert.equal(t.annotations.readOnlyHint, !['chat', 'confirm_action'].includes(t.name), t.name);
    assert.equal(t.annotations.destructiveHint, t.name === 'confirm_action', t.name);
  }
  assert.deepEqual(tools.find((t) => t.name === 'get_service').inputSchema.required, ['service']);
  checks++;
  log(`initialize + tools/list: ${tools.length} tools with writes on`);

  const list = ok(await client.callTool({ name: 'list_services', arguments: {} }), 'list_services');
  const ids = list.services.map((s) => s.id);
  assert.ok(ids.includes('svc-acme-cache') && ids.every((id) => id.startsWith('svc-acme-')), ids.join(','));

  const svc = ok(await client.callTool({ name: 'get_service', arguments: { service: 'acme-users-db' } }), 'get_service');
  assert.equal(svc.id, 'svc-acme-users-db');
  assert.equal(svc.service_type, 'postgresql');
  const byId = ok(await client.callTool({ name: 'get_service', arguments: { service: 'svc-acme-cache' } }), 'get_service id');
  assert.equal(byId.name, 'acme-cache');
  const forgiving = ok(await client.callTool({ name: 'get_service', arguments: { service: 'Acme Events' } }), 'forgiving');
  assert.equal(forgiving.id, 'svc-acme-events');

  const diag = ok(await client.callTool({ name: 'diagnose_service', arguments: { service: 'acme-cache' } }), 'diagnose');
  assert.equal(diag.service_id, 'svc-acme-cache');
  assert.equal(diag.findings[0].code, 'oom_killed', JSON.stringify(diag.findings));
  assert.ok(['critical', 'high'].includes(diag.findings[0].severity));
  assert.ok(diag.findings[0].evidence.length > 0 && diag.recommendations.length > 0);
  const loop = ok(await client.callTool({ name: 'diagnose_service', arguments: { service: 'acme-broker' } }), 'diagnose 2');
  assert.ok(loop.findings.some((f) => f.code === 'crash_loop_backoff'), JSON.stringify(loop.findings));
  log(`diagnose_service: ${diag.findings.map((f) => f.code).join(', ')}`);

  const reco = ok(await client.callTool({ name: 'get_recommendations', arguments: {} }), 'recommendations');
  assert.ok(Array.isArray(reco.recommendations) && typeof reco.total_potential_savings === 'number');
  assert.ok(reco.recommendations.every((r) => r.service_id.startsWith('svc-acme-')));

  const kb = ok(await client.callTool({ name: 'search_knowledge', arguments: { query: 'redis out of memory', limit: 3 } }), 'search');
  assert.ok(kb.results.length > 0 && kb.results.length <= 3, JSON.stringify(kb).slice(0, 300));

  const conn = ok(await client.callTool({ name: 'get_connection_info', arguments: { service: 'acme-users-db' } }), 'connection');
  assert.equal(conn.service_id, 'svc-acme-users-db');
  assert.ok(conn.connection.host && conn.connection.port, JSON.stringify(conn));
  assert.ok(!Object.keys(conn.connection).some((k) => /pass/i.test(k)), JSON.stringify(conn));
  assert.ok(!/:\/\/[^/@]*:[^/@]*@/.test(conn.connection.uri), `no password in the URI: ${conn.connection.uri}`);

  const chat = ok(await client.callTool({ name: 'chat', arguments: { message: 'why is acme-cache restarting?' } }), 'chat');
  assert.ok(chat.conversation_id && chat.message.length > 0, JSON.stringify(chat).slice(0, 300));
  const again = ok(await client.callTool({ name: 'chat', arguments: { message: 'and acme-broker?', conversation_id: chat.conversation_id } }), 'chat 2');
  assert.equal(again.conversation_id, chat.conversation_id);

  // failures of the tool are results with isError; bad calls are JSON-RPC errors
  failed(await client.callTool({ name: 'get_service', arguments: { service: 'no-such-service' } }), 'unknown service', 404);
  const foreign = failed(await client.callTool({ name: 'get_service', arguments: { service: 'svc-globex-prod-db' } }),
    'another org\'s id', 404);
  assert.ok(!/globex-(stream|staging|legacy|reporting|new)/.test(foreign.message), foreign.message);
  failed(await client.callTool({ name: 'diagnose_service', arguments: { service: 'globex-prod-db' } }), 'another org\'s name', 404);
  failed(await client.callTool({ name: 'get_connection_info', arguments: { service: 'svc-globex-stream' } }), 'another org\'s connection', 404);
  failed(await client.callTool({ name: 'confirm_action', arguments: { action_id: 'act-does-not-exist' } }), 'unknown action', 404);
  await assert.rejects(client.callTool({ name: 'get_service', arguments: {} }), /-32602|needs the argument/);
  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /-32602|Unknown tool/);
  checks += 2;
  await client.ping();
  await client.close();
  log('tools/call: every tool, and the failures');
}

async function rolesAndOrgs() {
  const viewer = await connect(GW, VIEWER);
  ok(await viewer.callTool({ name: 'diagnose_service', arguments: { service: 'acme-orders-db' } }), 'viewer reads');
  failed(await viewer.callTool({ name: 'confirm_action', arguments: { action_id: 'act-x' } }), 'viewer confirms', 403);
  await viewer.close();
  const globex = await connect(GW, GLOBEX);
  const list = ok(await globex.callTool({ name: 'list_services', arguments: {} }), 'globex list');
  assert.ok(list.services.length > 0 && list.services.every((s) => s.id.startsWith('svc-globex-')));
  failed(await globex.callTool({ name: 'diagnose_service', arguments: { service: 'svc-acme-cache' } }), 'globex -> acme', 404);
  await globex.close();
  log('roles and organisations');
}

async function readOnlyGateway() {
  const client = await connect(GW_RO, MEMBER);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_TOOLS].sort(), 'no confirm_action without QS_MCP_WRITES');
  await assert.rejects(client.callTool({ name: 'confirm_action', arguments: { action_id: 'a' } }), /Unknown tool/);
  await client.close();
  // an allowed browser origin (QS_MCP_ALLOWED_ORIGINS) and the gateway's own
  (await connect(GW_RO, MEMBER, { Origin: ORIGIN })).close();
  (await connect(GW, MEMBER, { Origin: GW })).close();
  checks += 3;
  log('without writes: 7 tools; allowed origins');
}

async function refusals() {
  await assert.rejects(connect(GW, null), (e) => /401|Unauthorized|auth/i.test(String(e)));
  await assert.rejects(connect(GW, MEMBER, { Origin: 'http://evil.example' }), (e) => /403|Forbidden/i.test(String(e)));
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
  assert.equal((await rawPost(GW, init)).status, 401);
  assert.equal((await rawPost(GW, init, { Authorization: `Bearer ${MEMBER}`, Origin: 'http://evil.example' })).status, 403);
  assert.equal((await rawPost(GW_RO, init, { Authorization: `Bearer ${MEMBER}`, Origin: 'http://evil.example' })).status, 403);
  assert.equal((await fetch(`${GW}/mcp`, { headers: { Authorization: `Bearer ${MEMBER}` } })).status, 405);
  assert.equal((await fetch(`${GW}/mcp`, { method: 'DELETE', headers: { Authorization: `Bearer ${MEMBER}` } })).status, 405);
  // older revisions are negotiated; 2026-07-28 is served without a handshake
  const old = await rawPost(GW, { ...init, params: { ...init.params, protocolVersion: '2025-03-26' } }, { Authorization: `Bearer ${MEMBER}` });
  assert.equal(old.json.result.protocolVersion, '2025-03-26');
  assert.equal(old.type, 'application/json');
  const disc = await rawPost(GW, { jsonrpc: '2.0', id: 2, method: 'server/discover', params: {} }, { Authorization: `Bearer ${MEMBER}` });
  assert.ok(disc.json.result.supportedVersions.includes('2026-07-28'));
  const meta = { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } };
  const stateless = await rawPost(GW, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: meta },
    { Authorization: `Bearer ${MEMBER}`, 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/list' });
  assert.equal(stateless.json.result.tools.length, 8);
  const bare = await rawPost(GW, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: meta },
    { Authorization: `Bearer ${MEMBER}`, 'MCP-Protocol-Version': '2026-07-28' });
  assert.equal(bare.status, 400, 'Mcp-Method is required in this revision');
  assert.equal(bare.json.error.code, -32020);
  const mismatch = await rawPost(GW, { jsonrpc: '2.0', id: 4, method: 'tools/list', params: meta },
    { Authorization: `Bearer ${MEMBER}`, 'MCP-Protocol-Version': '2025-11-25' });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.json.error.code, -32020);
  const note = await rawPost(GW, { jsonrpc: '2.0', method: 'notifications/initialized' }, { Authorization: `Bearer ${MEMBER}` });
  assert.equal(note.status, 202);
  assert.equal(note.json, null);
  checks += 12;
  log('401, 403 for a foreign Origin, 405, revisions, 202 for a notification');
}

function stdioClient(url, token) {
  const transport = new StdioClientTransport({
    command: CLI, args: ['mcp'], stderr: 'pipe',
    env: { PATH: process.env.PATH, QUICKSPIN_URL: url, QUICKSPIN_TOKEN: token, QUICKSPIN_CONFIG: '/nonexistent',
           ASAN_OPTIONS: process.env.ASAN_OPTIONS || '' },
  });
  let stderr = '';
  transport.stderr.on('data', (d) => { stderr += d; });
  return { client: new Client({ name: 'quickspin-stdio-test', version: '1.0.0' }), transport, stderr: () => stderr };
}

async function overStdio() {
  const { client, transport } = stdioClient(GW, MEMBER);
  await client.connect(transport);
  const { tools } = await client.listTools();
  assert.equal(tools.length, 8);
  const diag = ok(await client.callTool({ name: 'diagnose_service', arguments: { service: 'acme-search' } }), 'stdio diagnose');
  assert.ok(diag.findings.some((f) => f.code === 'image_pull_backoff'), JSON.stringify(diag.findings));
  failed(await client.callTool({ name: 'get_service', arguments: { service: 'svc-globex-stream' } }), 'stdio foreign', 404);
  await client.close();
  // the gateway down: a JSON-RPC error naming the reason, no crash
  const down = stdioClient('http://127.0.0.1:1', MEMBER);
  await assert.rejects(down.client.connect(down.transport), /unreachable/);
  await down.client.close();
  assert.match(down.stderr(), /unreachable/);
  checks += 2;
  log('stdio: quickspin mcp spawned by the SDK');
}

const watchdog = setTimeout(() => { console.error('mcp: FAIL: took longer than 150 s'); process.exit(1); }, 150000);
try {
  await toolsOverHttp();
  await rolesAndOrgs();
  await readOnlyGateway();
  await refusals();
  await overStdio();
  console.log(`mcp: PASS (${checks} checks)`);
} catch (e) {
  console.error('mcp: FAIL:', e);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
