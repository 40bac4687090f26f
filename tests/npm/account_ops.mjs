// Signs up and moves tokens with the official npm client: validateUsername, create,
// approveTokenUsage, deposit, withdraw; the local Supernet verifies every signature.
//
// Usage: node account_ops.mjs <username> <email> <password>
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT (required), SOGNI_TIMEOUT_MS
// (default 30000).
//
// Prints {"ok": true, "free", "taken", "me", "balance"} and exits 0, or {"ok": false,
// "error", "status"} and exits 1; exits 2 on the hard timeout.

import { randomUUID } from 'node:crypto';
import { SogniClient } from '@sogni-ai/sogni-client';

function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function fail(error, code = 1) {
  emit({
    ok: false,
    error: error && error.message ? error.message : String(error),
    status: error && error.status !== undefined ? error.status : null
  });
  process.exit(code);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

async function main() {
  const [username, email, password] = process.argv.slice(2);
  if (!username || !email || !password) {
    throw new Error('usage: node account_ops.mjs <username> <email> <password>');
  }
  const client = await SogniClient.createInstance({
    appId: `npm-account-${randomUUID()}`,
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    disableSocket: true,
    logLevel: process.env.SOGNI_LOG_LEVEL || 'error'
  });
  const free = await client.account.validateUsername(username);
  await client.account.create({
    username,
    email,
    password,
    subscribe: true,
    turnstileToken: 'turnstile',
    referralCode: 'friend'
  });
  const taken = await client.account.validateUsername(username);
  const me = await client.account.me();
  await client.account.approveTokenUsage(password, 'account', 'base');
  await client.account.deposit(password, 3, 'base');
  await client.account.withdraw(password, '1.5', 'base');
  const balance = await client.account.refreshBalance();
  emit({ ok: true, free: free.status, taken, me, balance });
  client.dispose();
  process.exit(0);
}

process.on('unhandledRejection', (error) => fail(error));
const timeoutMs = Number(process.env.SOGNI_TIMEOUT_MS || 30000);
setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`), 2), timeoutMs);

main().catch((error) => fail(error));
