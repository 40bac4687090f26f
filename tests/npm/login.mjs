// Logs in with a username and password using the official npm client (wallet derived from
// the password, EIP-712 signature over the server's nonce), then reads the profile.
//
// Usage: node login.mjs <username> <password> [--testnet] [--socket]
// Environment: SOGNI_REST_ENDPOINT, SOGNI_SOCKET_ENDPOINT (required), SOGNI_APP_SOURCE,
// SOGNI_TIMEOUT_MS (default 30000).
//
// Prints {"ok": true, "login", "me", "account"} and exits 0, or {"ok": false, "error",
// "status"} and exits 1; exits 2 on the hard timeout. `--socket` also waits for the socket
// to connect and reports the balance it announced.

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
  const [username, password, ...flags] = process.argv.slice(2);
  if (!username || !password) throw new Error('usage: node login.mjs <username> <password>');
  const withSocket = flags.includes('--socket');
  const client = await SogniClient.createInstance({
    appId: `npm-login-${randomUUID()}`,
    network: 'fast',
    restEndpoint: requireEnv('SOGNI_REST_ENDPOINT'),
    socketEndpoint: requireEnv('SOGNI_SOCKET_ENDPOINT'),
    ...(process.env.SOGNI_APP_SOURCE ? { appSource: process.env.SOGNI_APP_SOURCE } : {}),
    testnet: flags.includes('--testnet'),
    disableSocket: !withSocket,
    logLevel: process.env.SOGNI_LOG_LEVEL || 'error'
  });
  const login = await client.account.login(username, password);
  const me = await client.account.me();
  if (withSocket) {
    await client.projects.waitForModels(10000);
  }
  const account = client.account.currentAccount;
  emit({
    ok: true,
    login: { username: login.username, hasToken: Boolean(login.token) },
    me,
    account: {
      username: account.username,
      walletAddress: account.walletAddress,
      balance: account.balance
    }
  });
  client.dispose();
  process.exit(0);
}

process.on('unhandledRejection', (error) => fail(error));
const timeoutMs = Number(process.env.SOGNI_TIMEOUT_MS || 30000);
setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms`), 2), timeoutMs);

main().catch((error) => fail(error));
