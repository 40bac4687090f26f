// Starts one durable creative workflow with the official npm client, follows its SSE event
// stream to the end, and prints the outcome.
//
// Usage: node run_workflow.mjs <params.json | '{"input": {...}, "tokenType": ...}'>
//   (no argument: the JSON object is read from standard input)
//
// The JSON object holds `workflows.start` parameters. Environment: as run_project.mjs.
// Prints {"ok": true, "workflow", "events", "streamed"} and exits 0, or {"ok": false, "error"}
// and exits 1; exits 2 on the hard timeout.

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { SogniClient } from '@sogni-ai/sogni-client';

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function fail(error, code = 1) {
  const message = error && error.message ? error.message : JSON.stringify(error);
  emit({ ok: false, error: message, detail: error && error.payload ? error.payload : null });
  process.exit(code);
}

function loadParams() {
  const arg = process.argv[2];
  if (arg === undefined) return JSON.parse(readFileSync(0, 'utf8'));
  if (arg.trim().startsWith('{')) return JSON.parse(arg);
  if (existsSync(arg)) return JSON.parse(readFileSync(arg, 'utf8'));
  throw new Error(`argument is neither JSON nor an existing file: ${arg}`);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

async function main() {
  const params = loadParams();
  const client = await SogniClient.createInstance({
    appId: process.env.SOGNI_APP_ID || `npm-workflow-${randomUUID()}`,
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    apiKey: requireEnv('SOGNI_API_KEY'),
    disableSocket: true,
    logLevel: process.env.SOGNI_LOG_LEVEL || 'error'
  });
  const started = await client.workflows.start(params);
  const streamed = [];
  for await (const frame of client.workflows.streamEvents(started.workflowId)) {
    streamed.push({ id: frame.id, event: frame.event, status: frame.data && frame.data.status });
  }
  const workflow = await client.workflows.get(started.workflowId);
  const events = await client.workflows.events(started.workflowId);
  const listed = await client.workflows.list({ limit: 10 });
  emit({ ok: true, workflow, events, streamed, listedIds: listed.map((w) => w.workflowId) });
  client.dispose();
  process.exit(0);
}

process.on('unhandledRejection', (error) => fail(error));
const timeoutMs = Number(process.env.SOGNI_TIMEOUT_MS || 60000);
setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`), 2), timeoutMs);

main().catch((error) => fail(error));
