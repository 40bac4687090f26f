// Runs the official npm client's (5.54.0) project recovery calls against the local Supernet
// and prints what they answered, so a test can compare its requests with this SDK's.
//
// Usage: node tests/npm554/recovery.mjs '{"appId": "...", "projectId": "..."}'
// Calls, in this order: projects.getStatus(projectId), projects.listProjectsElsewhere(),
// projects.sync(). Prints one JSON line:
// {"status": {...}, "elsewhere": [ids], "sync": {"active", "completed", "lost", "unverified",
//  "recoveredActive", "recoveredCompleted"}} (the recovered lists as ids).
//
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT, SOGNI_API_KEY (required).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SogniClient } = require('@sogni-ai/sogni-client');

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const ids = (projects) => projects.map((project) => project.id);

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const client = await SogniClient.createInstance({
    appId: spec.appId,
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    apiKey: requireEnv('SOGNI_API_KEY'),
    logLevel: 'error'
  });
  const status = await client.projects.getStatus(spec.projectId);
  const elsewhere = await client.projects.listProjectsElsewhere();
  const synced = await client.projects.sync();
  process.stdout.write(
    `${JSON.stringify({
      status: { id: status.id, status: status.status, finished: status.finished },
      elsewhere: ids(elsewhere),
      sync: {
        active: synced.active,
        completed: synced.completed,
        lost: synced.lost,
        unverified: synced.unverified,
        recoveredActive: ids(synced.recoveredActive),
        recoveredCompleted: ids(synced.recoveredCompleted)
      }
    })}\n`
  );
  client.dispose();
  process.exit(0);
}

process.on('unhandledRejection', () => {});
setTimeout(() => {
  process.stderr.write('timed out\n');
  process.exit(2);
}, Number(process.env.SOGNI_TIMEOUT_MS || 60000)).unref();

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
