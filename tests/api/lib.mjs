// Test harness for the API suite: starts a real `anxun serve` on a free
// loopback port with a fresh database (SQLite file, or a new database on the
// PostgreSQL server named by ANXUN_TEST_PG_URL), and a small HTTP client.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const BACKEND = process.env.ANXUN_TEST_BACKEND || 'sqlite';
export const DEMO_PASSWORD = process.env.ANXUN_DEMO_PASSWORD || 'Demo-Passw0rd-2026';
const BIN = process.env.ANXUN_BIN || new URL('../../build/anxun', import.meta.url).pathname;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => { sock.destroy(); resolve(true); });
    sock.on('error', () => resolve(false));
  });
}

function createPgDatabase() {
  const base = process.env.ANXUN_TEST_PG_URL;
  if (!base) throw new Error('ANXUN_TEST_PG_URL is not set for the postgresql backend');
  const name = 't_' + randomBytes(6).toString('hex');
  execFileSync('psql', [`${base}/postgres`, '-qc', `CREATE DATABASE ${name}`]);
  return `${base}/${name}`;
}

// Starts a server. Options: demo (default true), args (extra flags), env,
// reuse (a stopped server whose data folder and database to start again on),
// tls (wait for health over HTTPS: only the port is probed).
export async function startServer({ demo = true, args = [], env = {}, reuse = null, tls = false } = {}) {
  const port = await freePort();
  const dataDir = reuse ? reuse.dataDir : mkdtempSync(join(tmpdir(), 'anxun-api-'));
  const dbArgs = reuse ? reuse.dbArgs : BACKEND === 'postgresql' ? ['--db', createPgDatabase()] : [];
  const argv = ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir,
    '--log-level', 'warn', ...dbArgs, ...(demo ? ['--demo'] : []), ...args];
  const child = spawn(BIN, argv, {
    env: { ...process.env, ANXUN_DEMO_PASSWORD: DEMO_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    if (tls) {
      if (await portOpen(port)) break;
    } else {
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.status === 200) break;
      } catch { /* not up yet */ }
    }
    if (Date.now() > deadline) throw new Error(`server did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, port, dataDir, dbArgs, child,
    output: () => output,
    client: () => new Client(url),
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) child.kill('SIGTERM');
      const result = await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

// Runs the anxun binary once (e.g. `audit verify`) and returns {code, stdout, stderr}.
export function runCli(args, { input = '', env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

// A JSON client holding a bearer token (API style) or cookies (web style).
export class Client {
  constructor(url) {
    this.url = url;
    this.token = null;
    this.cookies = {};
  }

  async request(method, path, { body, headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    const cookie = Object.entries(this.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) h.cookie = cookie;
    let payload = body;
    if (body !== undefined && !raw) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(this.url + path, { method, headers: h, body: payload });
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: json, text, headers: res.headers };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }
  put(path, body, opts = {}) { return this.request('PUT', path, { ...opts, body }); }

  // Logs in and keeps the bearer token. Returns the response.
  async login(username, password = DEMO_PASSWORD, extra = {}) {
    const res = await this.post('/api/v1/auth/login', { username, password, ...extra });
    if (res.status === 200) this.token = res.body.token;
    return res;
  }
}

// Logs in as `username` and returns the client; fails loudly otherwise.
export async function loginAs(server, username, password = DEMO_PASSWORD) {
  const c = server.client();
  const res = await c.login(username, password);
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  return c;
}
