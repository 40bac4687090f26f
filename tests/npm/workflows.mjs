// Sends workflow requests with the official npm client (5.1.0) so a test can compare the
// requests it makes with this SDK's.
//
// Usage: node workflows.mjs '<json>'   (or the JSON on standard input)
//   {"appSource"?: "...", "starts": [<workflows.start params>...],
//    "streams"?: [{"workflowId", "after"?, "lastEventId"?}], "cancel"?: ["<id>"...]}
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT, SOGNI_API_KEY (required).
//
// Prints {"ok": true, "starts": [{"workflowId"} | {"error", "status"}], "streams": [[ids]]}.
// A start the server refuses is reported, not fatal: its request was still made.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SogniClient } from '@sogni-ai/sogni-client';

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

async function main() {
  const arg = process.argv[2];
  const spec = JSON.parse(arg === undefined ? readFileSync(0, 'utf8') : arg);
  const client = await SogniClient.createInstance({
    appId: `npm-workflows-${randomUUID()}`,
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    apiKey: requireEnv('SOGNI_API_KEY'),
    ...(spec.appSource ? { appSource: spec.appSource } : {}),
    disableSocket: true,
    logLevel: 'error'
  });
  const starts = [];
  for (const params of spec.starts || []) {
    try {
      const record = await client.workflows.start(params);
      starts.push({ workflowId: record.workflowId });
    } catch (error) {
      starts.push({ error: error.message, status: error.status ?? null });
    }
  }
  const streams = [];
  for (const { workflowId, ...options } of spec.streams || []) {
    const ids = [];
    for await (const frame of client.workflows.streamEvents(workflowId, options)) {
      ids.push(frame.id);
    }
    streams.push(ids);
  }
  for (const workflowId of spec.cancel || []) {
    await client.workflows.cancel(workflowId);
  }
  process.stdout.write(`${JSON.stringify({ ok: true, starts, streams })}\n`);
  client.dispose();
  process.exit(0);
}

setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: 'timed out' })}\n`);
  process.exit(2);
}, Number(process.env.SOGNI_TIMEOUT_MS || 60000));

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: error.message })}\n`);
  process.exit(1);
});
