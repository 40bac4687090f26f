// Sends every parity case through the official npm client (@sogni-ai/sogni-client) and prints,
// for each, the id of the project it created (or the error it raised).
//
// Usage: node tests/parity/run_cases.mjs <cases.json> [case-id ...]
//
// The client comes from $SOGNI_NPM_DIR/node_modules (tests/npm by default). Asset values "file:<path>" (paths relative to
// the cases file) are read from disk and passed as Buffers, the way a Node.js program passes
// files. Only the jobRequest and the uploads matter here, so projects are not awaited to the
// end; the run ends once the server has answered every project (queued or failed).
//
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT, SOGNI_API_KEY (required).
// Prints one JSON line per case: {"id", "projectId"} or {"id", "error"}.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const npmDir = process.env.SOGNI_NPM_DIR || resolve(here, '../npm');
const require = createRequire(resolve(npmDir, 'package.json'));
const { SogniClient } = require('@sogni-ai/sogni-client');

const ASSET_KEYS = [
  'startingImage',
  'referenceImage',
  'referenceImageEnd',
  'referenceAudio',
  'referenceAudioIdentity',
  'referenceVideo',
  'leftViewImage',
  'backViewImage',
  'rightViewImage'
];

function loadAsset(value, base) {
  if (typeof value === 'string' && value.startsWith('file:')) {
    return readFileSync(resolve(base, value.slice('file:'.length)));
  }
  return value;
}

function withAssets(params, base) {
  const out = { ...params };
  for (const key of ASSET_KEYS) {
    if (key in out) out[key] = loadAsset(out[key], base);
  }
  for (const key of ['contextImages', 'referenceVideos', 'referenceAudios']) {
    if (Array.isArray(out[key])) out[key] = out[key].map((value) => loadAsset(value, base));
  }
  if (out.controlNet && out.controlNet.image) {
    out.controlNet = { ...out.controlNet, image: loadAsset(out.controlNet.image, base) };
  }
  return out;
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

async function main() {
  const casesPath = resolve(process.argv[2]);
  const only = new Set(process.argv.slice(3));
  const base = dirname(casesPath);
  const cases = JSON.parse(readFileSync(casesPath, 'utf8')).filter(
    (c) => only.size === 0 || only.has(c.id)
  );
  const clients = {};
  const clientFor = async (network) => {
    if (!clients[network]) {
      clients[network] = await SogniClient.createInstance({
        appId: `npm-parity-${randomUUID()}`,
        network,
        restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
        socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
        apiKey: requireEnv('SOGNI_API_KEY'),
        logLevel: 'error'
      });
      await clients[network].projects.waitForModels(10000);
    }
    return clients[network];
  };
  const projects = [];
  for (const c of cases) {
    try {
      const client = await clientFor(c.params.network || 'fast');
      const project = await client.projects.create(withAssets(c.params, base));
      projects.push(project);
      process.stdout.write(`${JSON.stringify({ id: c.id, projectId: project.id })}\n`);
    } catch (error) {
      const message = error && error.message ? error.message : String(error);
      process.stdout.write(`${JSON.stringify({ id: c.id, error: message })}\n`);
    }
  }
  // Closing the socket right away could drop the last jobRequest frames still buffered.
  while (projects.some((project) => project.status === 'pending')) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const client of Object.values(clients)) client.dispose();
  process.exit(0);
}

process.on('unhandledRejection', () => {});
setTimeout(() => {
  process.stderr.write('timed out\n');
  process.exit(2);
}, Number(process.env.SOGNI_TIMEOUT_MS || 120000)).unref();

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
