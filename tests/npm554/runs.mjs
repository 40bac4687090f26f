// Drives durable chat runs, direct hosted tool execution, workflow templates, resume and
// reseed with the official npm client (5.54.0), so a test can check that the local Supernet
// serves it and compare the requests it makes with this SDK's.
//
// Usage: node runs.mjs '<json>'   (or the JSON on standard input)
//   {"appSource"?: "...", "ops": [{"op": "<name>", "as"?: "<label>", ...arguments}]}
// A string argument "$<label>.<field>" is replaced by that field of an earlier op's result.
// Ops:
//   runs.create {params}                 -> the run record
//   runs.follow {runId, approve?}        -> {types, sequences}: streams every event; on
//                                           run_waiting_for_user confirms (approve: true) or
//                                           declines the pause with the preview it carries
//   runs.get {runId} / runs.cancel {runId, reason?}
//   hosted.executeTool {params}          -> the answer ({status, data})
//   templates.list {options} / templates.get {id} / templates.create {template}
//   templates.update {id, patch} / templates.delete {id} / templates.fork {id, body}
//   workflows.start {params} / workflows.finish {workflowId} (streams to a terminal status)
//   workflows.resume {workflowId, params} / workflows.reseed {workflowId, params}
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT, SOGNI_API_KEY (required).
//
// Prints {"ok": true, "results": [...]}; an op that throws is reported as
// {"error", "status"} and the rest still run.

import { readFileSync } from 'node:fs';
import { SogniClient } from '@sogni-ai/sogni-client';

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

function resolve(value, labels) {
  if (typeof value === 'string' && value.startsWith('$')) {
    const [label, ...path] = value.slice(1).split('.');
    if (label in labels) return path.reduce((item, key) => item?.[key], labels[label]);
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, labels));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, labels)]));
  }
  return value;
}

async function follow(client, runId, approve) {
  const types = [];
  const sequences = [];
  for await (const event of client.chat.runs.streamEvents(runId)) {
    types.push(event.type);
    sequences.push(event.sequence);
    if (event.type === 'run_waiting_for_user') {
      const details = event.payload.details;
      await client.chat.runs.confirmCost(
        runId,
        approve
          ? {
              toolCallId: details.toolCallId,
              decision: 'confirm',
              acceptedCostPreview: details.costApprovalPreview,
              idempotencyKey: `confirm-${details.toolCallId}`
            }
          : { toolCallId: details.toolCallId, decision: 'cancel' }
      );
    }
    if (/^run_(completed|partial_failure|failed|cancelled)$/.test(event.type)) break;
  }
  return { types, sequences };
}

// Streams after the record's last event, so a resumed workflow's earlier terminal event
// does not end the wait.
async function finish(client, workflowId) {
  const terminal = new Set(['completed', 'failed', 'cancelled']);
  for (;;) {
    const workflow = await client.workflows.get(workflowId);
    if (terminal.has(workflow.status)) return { workflow };
    const events = workflow.events || [];
    const after = events.length ? events[events.length - 1].id : undefined;
    for await (const frame of client.workflows.streamEvents(workflowId, { after })) {
      if (terminal.has(frame.data?.status)) break;
    }
  }
}

const OPS = {
  'runs.create': (c, a) => c.chat.runs.create(a.params),
  'runs.follow': (c, a) => follow(c, a.runId, a.approve !== false),
  'runs.get': (c, a) => c.chat.runs.get(a.runId),
  'runs.cancel': (c, a) => c.chat.runs.cancel(a.runId, a.reason),
  'hosted.executeTool': (c, a) => c.chat.hosted.executeTool(a.params),
  'templates.list': (c, a) => c.workflows.templates.list(a.options),
  'templates.get': (c, a) => c.workflows.templates.get(a.id),
  'templates.create': (c, a) => c.workflows.templates.create(a.template),
  'templates.update': (c, a) => c.workflows.templates.update(a.id, a.patch),
  'templates.delete': (c, a) => c.workflows.templates.delete(a.id).then(() => ({})),
  'templates.fork': (c, a) => c.workflows.templates.fork(a.id, a.body),
  'workflows.start': (c, a) => c.workflows.start(a.params),
  'workflows.finish': (c, a) => finish(c, a.workflowId),
  'workflows.resume': (c, a) => c.workflows.resume(a.workflowId, a.params),
  'workflows.reseed': (c, a) => c.workflows.reseed(a.workflowId, a.params)
};

async function main() {
  const arg = process.argv[2];
  const spec = JSON.parse(arg === undefined ? readFileSync(0, 'utf8') : arg);
  const client = await SogniClient.createInstance({
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    apiKey: requireEnv('SOGNI_API_KEY'),
    ...(spec.appSource ? { appSource: spec.appSource } : {}),
    disableSocket: true,
    logLevel: 'error'
  });
  const labels = {};
  const results = [];
  for (const { op, as, ...args } of spec.ops || []) {
    const run = OPS[op];
    if (!run) throw new Error(`unknown op ${op}`);
    try {
      const result = await run(client, resolve(args, labels));
      if (as) labels[as] = result;
      results.push(result ?? null);
    } catch (error) {
      results.push({ error: error.message, status: error.status ?? null });
    }
  }
  process.stdout.write(`${JSON.stringify({ ok: true, results })}\n`);
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
