// Runs one project with the official npm client (@sogni-ai/sogni-client) and prints the outcome.
//
// Usage: node run_project.mjs <params.json | '{"type": "image", ...}'>
//   (no argument: the JSON object is read from standard input)
//
// The JSON object holds the client's camelCase `projects.create` parameters. Asset parameters
// (startingImage, contextImages[], referenceImage, ...) given as "file:<path>" strings are read
// from disk and passed as Buffers.
//
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT (required); SOGNI_API_KEY, or
// SOGNI_USERNAME + SOGNI_PASSWORD to log in with a wallet signature (token mode);
// SOGNI_APP_ID (default: a fresh id), SOGNI_TIMEOUT_MS (default 60000).
//
// Prints one JSON line to stdout: {"ok": true, "projectId", "resultUrls", "jobs"} and exits 0,
// or {"ok": false, "error"} and exits 1. A hard timeout makes it exit 2 instead of hanging.

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { SogniClient } from '@sogni-ai/sogni-client';

const ASSET_KEYS = [
  'startingImage',
  'referenceImage',
  'referenceImageEnd',
  'referenceAudio',
  'referenceAudioIdentity',
  'referenceVideo',
  'referenceMask'
];

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function fail(error, code = 1) {
  const message = error && error.message ? error.message : JSON.stringify(error);
  emit({ ok: false, error: message, detail: error && error.payload ? error.payload : error });
  process.exit(code);
}

function readStdin() {
  return readFileSync(0, 'utf8');
}

function loadParams() {
  const arg = process.argv[2];
  let text;
  if (arg === undefined) {
    text = readStdin();
  } else if (arg.trim().startsWith('{')) {
    text = arg;
  } else if (existsSync(arg)) {
    text = readFileSync(arg, 'utf8');
  } else {
    throw new Error(`argument is neither JSON nor an existing file: ${arg}`);
  }
  return JSON.parse(text);
}

function loadAsset(value) {
  if (typeof value === 'string' && value.startsWith('file:')) {
    return readFileSync(value.slice('file:'.length));
  }
  return value;
}

function withAssets(params) {
  const out = { ...params };
  for (const key of ASSET_KEYS) {
    if (key in out) out[key] = loadAsset(out[key]);
  }
  if (Array.isArray(out.contextImages)) out.contextImages = out.contextImages.map(loadAsset);
  if (out.controlNet && out.controlNet.image) {
    out.controlNet = { ...out.controlNet, image: loadAsset(out.controlNet.image) };
  }
  return out;
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

async function main() {
  const params = withAssets(loadParams());
  const apiKey = process.env.SOGNI_API_KEY;
  const client = await SogniClient.createInstance({
    appId: process.env.SOGNI_APP_ID || `npm-harness-${randomUUID()}`,
    network: params.network || 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    ...(apiKey ? { apiKey } : {}),
    logLevel: process.env.SOGNI_LOG_LEVEL || 'error'
  });
  if (!apiKey) {
    await client.account.login(requireEnv('SOGNI_USERNAME'), requireEnv('SOGNI_PASSWORD'));
  }
  await client.projects.waitForModels(10000);
  const project = await client.projects.create(params);
  const resultUrls = await project.waitForCompletion();
  emit({
    ok: true,
    projectId: project.id,
    status: project.status,
    resultUrls,
    jobs: project.jobs.map((job) => ({
      id: job.id,
      status: job.status,
      seed: job.seed,
      step: job.step,
      resultUrl: job.resultUrl
    })),
    account: {
      username: client.account.currentAccount.username,
      walletAddress: client.account.currentAccount.walletAddress
    }
  });
  client.dispose();
  process.exit(0);
}

// The client fires some requests without awaiting them (e.g. the profile fetch after the API
// key is set); their failures must still end the run with a report.
process.on('unhandledRejection', (error) => fail(error));

const timeoutMs = Number(process.env.SOGNI_TIMEOUT_MS || 60000);
setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`), 2), timeoutMs).unref();

main().catch((error) => fail(error));
