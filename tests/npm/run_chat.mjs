// Runs one chat completion with the official npm client and prints the outcome.
//
// Usage: node run_chat.mjs <params.json | '{"model": ..., "messages": [...]}'>
//   (no argument: the JSON object is read from standard input)
//
// The JSON object holds `chat.completions.create` parameters; with `"hosted": true` the
// request goes to `chat.hosted.create` (REST) instead of the socket. Streaming requests are
// consumed chunk by chunk.
//
// Environment: as run_project.mjs. Prints {"ok": true, "result", "chunks"} and exits 0, or
// {"ok": false, "error"} and exits 1; exits 2 on the hard timeout.

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
  const { hosted, ...params } = loadParams();
  const client = await SogniClient.createInstance({
    appId: process.env.SOGNI_APP_ID || `npm-chat-${randomUUID()}`,
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    apiKey: requireEnv('SOGNI_API_KEY'),
    logLevel: process.env.SOGNI_LOG_LEVEL || 'error'
  });
  let result;
  const chunks = [];
  if (hosted) {
    result = await client.chat.hosted.create(params);
  } else {
    await client.chat.waitForModels(10000);
    const response = await client.chat.completions.create(params);
    if (params.stream) {
      for await (const chunk of response) chunks.push(chunk);
      result = response.finalResult;
    } else {
      result = response;
    }
  }
  emit({ ok: true, result, chunks });
  client.dispose();
  process.exit(0);
}

process.on('unhandledRejection', (error) => fail(error));
const timeoutMs = Number(process.env.SOGNI_TIMEOUT_MS || 60000);
setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`), 2), timeoutMs);

main().catch((error) => fail(error));
