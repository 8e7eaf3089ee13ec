// Test-only MongoDB wire-protocol server: CongoDB from @push.rocks/smartmongo 2.2.0,
// in memory, on 127.0.0.1. Usage: node server.mjs [port [parent-pid]]
// (port 0 or none = a free port). Prints "ready <port>" once listening; stops on
// SIGTERM/SIGINT, or when parent-pid (the test wrapper) is gone, so a killed test
// run leaves no server behind.
import net from 'node:net';
import { CongoServer } from './node_modules/@push.rocks/smartmongo/dist_ts/congodb/index.js';

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

let port = Number(process.argv[2] || 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node server.mjs [port]');
  process.exit(2);
}
if (port === 0) port = await freePort();
const server = new CongoServer({ host: '127.0.0.1', port, storage: 'memory' });
await server.start();
console.log(`ready ${port}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const parent = Number(process.argv[3] || 0);
if (Number.isInteger(parent) && parent > 1) {
  setInterval(() => {
    try { process.kill(parent, 0); } catch { stop(); }
  }, 500).unref();
}
