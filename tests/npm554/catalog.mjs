// Reads the LoRA catalogue, the saved uploads, the personal LoRA library, the subscription
// plans, the replay records and the live announcements with the official npm client 5.54.0
// (REST only, with an API key), so the local Supernet records the requests it sends.
//
// Usage: node catalog.mjs <modelId> <platform>
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT, SOGNI_API_KEY (required),
// SOGNI_TIMEOUT_MS (default 30000).
//
// Prints {"ok": true, "loras", "assets", "personalLoras", "plans", "replay", "announcements"}
// and exits 0, or {"ok": false, "error", "status"} and exits 1; exits 2 on the hard timeout.

import { SogniClient } from '@sogni-ai/sogni-client';

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

async function main() {
  const [modelId, platform] = process.argv.slice(2);
  if (!modelId || !platform) throw new Error('usage: node catalog.mjs <modelId> <platform>');
  const client = await SogniClient.createInstance({
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    apiKey: requireEnv('SOGNI_API_KEY'),
    disableSocket: true,
    logLevel: process.env.SOGNI_LOG_LEVEL || 'error'
  });
  const loras = await client.projects.availableLoras({ modelId });
  const assets = await client.projects.assets.list();
  const personalLoras = await client.projects.personalLoras.list();
  const plans = await client.account.getSubscriptionPlans();
  const replay = await client.replay.list({ limit: 5 });
  const announcements = await client.announcements.active(platform);
  emit({ ok: true, loras, assets, personalLoras, plans, replay, announcements });
  process.exit(0);
}

setTimeout(() => {
  emit({ ok: false, error: 'timed out', status: null });
  process.exit(2);
}, Number(process.env.SOGNI_TIMEOUT_MS || 30000)).unref();

main().catch((error) => {
  emit({
    ok: false,
    error: error && error.message ? error.message : String(error),
    status: error && error.status !== undefined ? error.status : null
  });
  process.exit(1);
});
