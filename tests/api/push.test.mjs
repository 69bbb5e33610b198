// The real-time channel over a real socket: a major event reaches the
// safety officer's WebSocket and no one outside the alert's scope; a
// reconnect catches up exactly what was missed; the handshake refuses other
// origins and missing sessions; logout and shutdown close the socket; on
// PostgreSQL an event handled on one server reaches a socket on another.
// Runs on both back ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKEND, DEMO_PASSWORD, startServer, loginAs } from './lib.mjs';
import { openSocket } from './ws.mjs';

let server;
const c = {};  // clients by username
let point;     // a point of 化工一厂, the safety officer's plant
let seq = 0;

before(async () => {
  server = await startServer();
  for (const u of ['safety', 'jg_safety']) c[u] = await loginAs(server, u);
  point = (await c.safety.get('/api/v1/points?page_size=1')).body.items[0];
});

after(async () => { await server?.stop(); });

function cookieHeader(client) {
  return Object.entries(client.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
}

// Opens the web application's socket: session cookie and our own Origin.
async function connect(srv, client, { origin = srv.url, hello = {} } = {}) {
  const ws = await openSocket(`${srv.url}/api/v1/ws`, {
    headers: { Cookie: cookieHeader(client), Origin: origin },
  });
  assert.ok(!ws.refused, `refused: ${JSON.stringify(ws)}`);
  ws.send({ type: 'hello', ...hello });
  await ws.waitFor((m) => m.type === 'ready');
  return ws;
}

// Posts one major event that opens a new alert; returns the alert id.
async function postMajor(srv = server, client = c.safety) {
  const event = {
    source: 'manual', rule: `push.test.${process.pid}.${++seq}`, level: 'major',
    point_id: point.id, labels: { run: String(Date.now()) },
  };
  const res = await client.post('/api/v1/events', { events: [event] });
  assert.equal(res.status, 201, res.text);
  return res.body.results[0].alert_id;
}

const forAlert = (id) => (m) => m.type === 'notification' && m.alert_id === id;

async function notificationsAfter(client, after) {
  const res = await client.get(`/api/v1/notifications?after=${after}&limit=200`);
  assert.equal(res.status, 200, res.text);
  return res.body.items;
}

test('a major event reaches the safety officer at once and no one outside its scope', async () => {
  const mine = await connect(server, c.safety);
  const other = await connect(server, c.jg_safety);

  const alertId = await postMajor();
  const n = await mine.waitFor(forAlert(alertId), 5000);

  assert.equal(n.level, 'major');
  assert.equal(n.kind, 'alert');
  assert.equal(n.popup, true);
  assert.ok(n.id > 0);
  assert.ok(n.title.length > 0);
  assert.match(n.link, new RegExp(`${alertId}`));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(other.notifications().filter(forAlert(alertId)).length, 0);
  assert.equal(mine.notifications().filter(forAlert(alertId)).length, 1, 'sent once');
  await mine.close();
  await other.close();
});

test('a reconnect with the last id catches up exactly the missed notifications', async () => {
  const first = await connect(server, c.safety);
  const seen = await first.waitFor(forAlert(await postMajor()), 5000);
  await first.close();

  const missed = [await postMajor(), await postMajor()];
  for (;;) {  // until routing has written both
    const rows = await notificationsAfter(c.safety, seen.id);
    if (missed.every((id) => rows.some((r) => r.alert_id === id))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const again = await connect(server, c.safety, { hello: { after: seen.id } });

  const backlog = again.notifications().map((m) => m.id);
  const stored = (await notificationsAfter(c.safety, seen.id)).map((r) => r.id);
  assert.deepEqual(backlog, stored.filter((id) => id <= Math.max(...backlog)));
  assert.ok(backlog.every((id) => id > seen.id), 'nothing already seen is sent again');
  for (const id of missed) {
    assert.equal(again.notifications().filter(forAlert(id)).length, 1);
  }
  await again.close();
});

test('the handshake refuses other origins, missing sessions and plain requests', async () => {
  const url = `${server.url}/api/v1/ws`;
  const cookie = cookieHeader(c.safety);

  const evil = await openSocket(url, { headers: { Cookie: cookie, Origin: 'http://evil.example' } });
  assert.equal(evil.refused, true);
  assert.equal(evil.status, 403);
  assert.equal(evil.body.error.code, 'origin_refused');
  const noOrigin = await openSocket(url, { headers: { Cookie: cookie } });
  assert.equal(noOrigin.status, 403);
  const anonymous = await openSocket(url, { headers: { Origin: server.url } });
  assert.equal(anonymous.status, 401);
  const plain = await c.safety.get('/api/v1/ws');
  assert.equal(plain.status, 426);
  assert.equal(plain.body.error.code, 'upgrade_required');
});

test('a non-browser client may pass its token as a subprotocol', async () => {
  const ws = await openSocket(`${server.url}/api/v1/ws`, {
    protocols: ['anxun.v1', `bearer.${c.safety.token}`],
  });
  assert.ok(!ws.refused, JSON.stringify(ws));
  assert.equal(ws.protocol, 'anxun.v1');
  ws.send({ type: 'ping' });
  await ws.waitFor((m) => m.type === 'pong');
  const bad = await openSocket(`${server.url}/api/v1/ws`, { protocols: ['anxun.v1', 'bearer.nope'] });
  assert.equal(bad.status, 401);
  await ws.close();
});

test('an oversized message closes the socket with 1009', async () => {
  const ws = await connect(server, c.safety);
  ws.sendText(JSON.stringify({ type: 'ping', pad: 'x'.repeat(8192) }));
  assert.equal(await ws.closed, 1009);
});

test('each user has a cap on open sockets', async () => {
  const open = [];
  for (let i = 0; i < 8; i++) open.push(await connect(server, c.jg_safety));
  const ninth = await openSocket(`${server.url}/api/v1/ws`, {
    headers: { Cookie: cookieHeader(c.jg_safety), Origin: server.url },
  });
  assert.equal(ninth.status, 429);
  assert.equal(ninth.body.error.code, 'too_many_connections');
  await Promise.all(open.map((ws) => ws.close()));
});

test('logging out closes the socket with 4401', { timeout: 30000 }, async () => {
  const client = await loginAs(server, 'safety');
  const ws = await connect(server, client);
  const logout = await client.post('/api/v1/auth/logout', {});
  assert.equal(logout.status, 204, logout.text);
  assert.equal(await ws.closed, 4401);
});

test('with two servers on one PostgreSQL, an event on A reaches a socket on B',
  { skip: BACKEND !== 'postgresql' && 'PostgreSQL only' }, async () => {
    const b = await startServer({
      reuse: { dataDir: mkdtempSync(join(tmpdir(), 'anxun-api-')), dbArgs: server.dbArgs },
    });
    try {
      const onB = await loginAs(b, 'safety');
      const ws = await connect(b, onB);
      const started = Date.now();
      const alertId = await postMajor(server, c.safety);
      await ws.waitFor(forAlert(alertId), 4000);
      assert.ok(Date.now() - started < 4000);
      await ws.close();
    } finally {
      await b.stop();
    }
  });

test('the socket works over TLS on the same port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anxun-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const ca = readFileSync(join(dir, 'cert.pem'));
  const s = await startServer({
    args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], tls: true,
  });
  try {
    const url = `https://127.0.0.1:${s.port}`;
    const token = await new Promise((resolve, reject) => {
      const req = https.request(`${url}/api/v1/auth/login`, {
        method: 'POST', ca, headers: { 'content-type': 'application/json' },
      }, (res) => {
        let data = '';
        res.on('data', (d) => { data += d; });
        res.on('end', () => resolve(JSON.parse(data).token));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'safety', password: DEMO_PASSWORD }));
    });
    const ws = await openSocket(`${url}/api/v1/ws`, { ca, protocols: ['anxun.v1', `bearer.${token}`] });
    assert.ok(!ws.refused, JSON.stringify(ws));
    ws.send({ type: 'hello' });
    await ws.waitFor((m) => m.type === 'ready');
    ws.send({ type: 'ping' });
    await ws.waitFor((m) => m.type === 'pong');
    const [code] = await Promise.all([ws.closed, s.stop()]);
    assert.equal(code, 1001);
  } finally {
    await s.stop();
  }
});

test('shutting down closes every socket with 1001', async () => {
  const ws = await connect(server, c.safety);
  const [code] = await Promise.all([ws.closed, server.stop()]);
  assert.equal(code, 1001);
});
