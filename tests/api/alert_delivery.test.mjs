// Delivery of alert notices over real HTTP and SMTP on loopback: a receiver
// written here fails the first tries, checks every signature (generic HMAC,
// DingTalk, Feishu) from the published formulas and drops duplicates by
// X-Anxun-Delivery; a tiny SMTP server takes the mail. Covers back-off, the
// delivery log, an administrator's retry, the test button, secrets kept
// masked, and kill -9 mid-delivery then restart. Runs on both back ends.
//
// Short back-off for the test: ANXUN_DELIVERY_BACKOFF_MS=300,600,1200 (4 tries).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { BACKEND, startServer, loginAs } from './lib.mjs';

const BACKOFF = [300, 600, 1200];
const ENV = {
  ANXUN_DELIVERY_BACKOFF_MS: BACKOFF.join(','),
  ANXUN_DELIVERY_POLL_MS: '100',
  ANXUN_DELIVERY_CONNECT_TIMEOUT_MS: '1000',
  ANXUN_DELIVERY_TIMEOUT_MS: '2000',
  ANXUN_DELIVERY_LEASE_MS: '3000',
  ANXUN_DELIVERY_LINK_BASE: 'https://anxun.test',
};

let server;
let receiver;
let smtp;
const c = {};  // clients by username
let plantUnit; // 化工一厂: the safety officer's plant, told about every major alert in it
let point;
let seq = 0;

// ---- the receivers ------------------------------------------------------------

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

// Scenarios are chosen by the first path segment: /<name>/...
function startReceiver() {
  const scenarios = new Map();
  const requests = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://receiver');
      const name = url.pathname.split('/')[1];
      const s = scenarios.get(name) ?? { kind: 'webhook' };
      s.seen = (s.seen ?? 0) + 1;
      const rec = { name, url, headers: req.headers, raw, at: Date.now(), status: 0 };
      requests.push(rec);
      rec.verified = verify(s, rec);
      const fail = s.failAll || s.seen <= (s.failFirst ?? 0);
      const answer = () => {
        const [status, body] = fail ? [500, 'busy'] : platformAnswer(s.kind, rec.verified);
        rec.status = status;
        res.on('error', () => {});
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body, () => { rec.answeredAt = Date.now(); });
      };
      const delay = typeof s.delayMs === 'function' ? s.delayMs(s.seen) : s.delayMs;
      if (delay) setTimeout(answer, delay); else answer();
    });
  });
  srv.on('clientError', () => {});
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${srv.address().port}`,
    scenarios,
    requests,
    of: (name) => requests.filter((r) => r.name === name),
    // The requests of one delivery (other alerts, e.g. from the demo's overdue
    // hazards, reach the same channels meanwhile).
    ofDelivery: (name, id) => requests.filter((r) => r.name === name &&
      r.headers['x-anxun-delivery'] === String(id)),
    // The requests whose message links to `alertId` (robots carry no delivery id).
    ofAlert: (name, alertId) => requests.filter((r) => r.name === name &&
      r.raw.includes(`/alerts/${alertId})`) || r.raw.includes(`/alerts/${alertId}"`)),
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }),
  })));
}

function verify(s, rec) {
  if (!s.secret) return true;
  if (s.kind === 'dingtalk') {
    const ts = rec.url.searchParams.get('timestamp');
    const sign = rec.url.searchParams.get('sign');
    const expected = hmac(s.secret, `${ts}\n${s.secret}`).toString('base64');
    return sign === expected && Math.abs(Date.now() - Number(ts)) < 3600e3;
  }
  const body = JSON.parse(rec.raw);
  if (s.kind === 'feishu') {
    const expected = hmac(`${body.timestamp}\n${s.secret}`, '').toString('base64');
    return body.sign === expected && Math.abs(Date.now() / 1000 - Number(body.timestamp)) < 3600;
  }
  const expected = 'sha256=' + hmac(s.secret, rec.raw).toString('hex');
  return rec.headers['x-anxun-signature'] === expected &&
    rec.headers['x-anxun-delivery'] === String(body.delivery_id) &&
    rec.headers['x-anxun-timestamp'] === String(body.timestamp);
}

// What the platforms answer: HTTP 200 with their own code, 0 for success.
function platformAnswer(kind, verified) {
  if (kind === 'dingtalk' || kind === 'wecom') {
    return [200, JSON.stringify(verified ? { errcode: 0, errmsg: 'ok' }
      : { errcode: 310000, errmsg: 'sign not match' })];
  }
  if (kind === 'feishu') {
    return [200, JSON.stringify(verified ? { code: 0, msg: 'success', data: {} }
      : { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' })];
  }
  return verified ? [200, '{"received":true}'] : [401, '{"error":"bad signature"}'];
}

// Enough of SMTP for a client without TLS: EHLO, MAIL, RCPT, DATA, QUIT.
function startSmtp() {
  const mails = [];
  const srv = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let mail = { rcpt: [] };
    sock.setEncoding('latin1');
    sock.on('error', () => {});
    sock.write('220 smtp.test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          mails.push(mail);
          mail = { rcpt: [] };
          sock.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250-smtp.test\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') { mail.from = line.match(/<(.*)>/)?.[1]; sock.write('250 OK\r\n'); }
        else if (verb === 'RCPT') { mail.rcpt.push(line.match(/<(.*)>/)?.[1]); sock.write('250 OK\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 end with .\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    port: srv.address().port,
    mails,
    close: () => new Promise((r) => srv.close(r)),
  })));
}

function decodeSubject(data) {
  const m = data.match(/^Subject: ((?:.*)(?:\r\n .*)*)/m);
  return m[1].split('\r\n ').map((w) => {
    const parts = w.trim().match(/^=\?UTF-8\?B\?(.*)\?=$/);
    return Buffer.from(parts[1], 'base64').toString('utf8');
  }).join('');
}

// ---- helpers -------------------------------------------------------------------

async function waitFor(what, fn, timeoutMs = 20000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Posts one major event at a point of the plant (a new alert each time).
async function postMajor(client = c.safety) {
  const res = await client.post('/api/v1/events', { events: [majorEvent()] });
  assert.equal(res.status, 201, res.text);
  return res.body.results[0].alert_id;
}

function majorEvent() {
  return {
    source: 'sensor', rule: 'sensor.gas_high', level: 'major', point_id: point.id,
    labels: { sensor: `gas-${process.pid}-${++seq}` }, payload: { lel: 35 },
  };
}

async function createChannel(body, client = c.safety) {
  const res = await client.post('/api/v1/channels', {
    org_unit_id: plantUnit, min_level: 'major', ...body,
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

async function disable(channel) {
  const res = await c.safety.patch(`/api/v1/channels/${channel.id}`, { enabled: false });
  assert.equal(res.status, 200, res.text);
}

async function deliveriesOf(channel, query = '') {
  const res = await c.safety.get(`/api/v1/deliveries?channel_id=${channel.id}&page_size=200${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body.items;
}

async function waitDelivery(channel, alertId, state, timeoutMs) {
  return waitFor(`delivery of alert ${alertId} ${state}`, async () => {
    const items = await deliveriesOf(channel, `&alert_id=${alertId}`);
    return items.find((d) => d.state === state);
  }, timeoutMs);
}

before(async () => {
  receiver = await startReceiver();
  smtp = await startSmtp();
  server = await startServer({ env: ENV });
  for (const u of ['safety', 'jg_safety', 'inspector', 'admin']) c[u] = await loginAs(server, u);
  const points = (await c.safety.get('/api/v1/points?page_size=200')).body.items;
  const units = (await c.safety.get('/api/v1/org-units?page_size=200')).body.items;
  plantUnit = units.find((u) => u.code === 'HG1').id;
  point = points.find((p) => p.org_unit_id === plantUnit) ?? points[0];
});

after(async () => {
  await server?.stop();
  await receiver?.close();
  await smtp?.close();
});

// ---- tests ---------------------------------------------------------------------

test('a generic webhook is retried with back-off until accepted, signed and deduplicable', async () => {
  receiver.scenarios.set('t1', { kind: 'webhook', secret: 'whsec-t1-0123456789', failFirst: 2 });
  const ch = await createChannel({
    name: '安环平台', kind: 'webhook', url: `${receiver.url}/t1/in`, secret: 'whsec-t1-0123456789',
  });
  const alertId = await postMajor();
  const d = await waitDelivery(ch, alertId, 'sent');

  const got = receiver.ofDelivery('t1', d.id);
  assert.equal(got.length, 3);
  assert.deepEqual(got.map((r) => r.status), [500, 500, 200]);
  assert.ok(got.every((r) => r.verified), 'every try carries a valid signature');
  // Back-off: the waits follow the schedule (the worker looks every 100 ms).
  assert.ok(got[1].at - got[0].at >= BACKOFF[0] - 20, `first wait ${got[1].at - got[0].at}`);
  assert.ok(got[2].at - got[1].at >= BACKOFF[1] - 20, `second wait ${got[2].at - got[1].at}`);
  const body = JSON.parse(got[2].raw);
  assert.equal(body.event, 'alert.notice');
  assert.equal(body.level, 'major');
  assert.equal(body.level_text, '重大');
  assert.equal(body.alert_id, alertId);
  assert.equal(body.link, `https://anxun.test/alerts/${alertId}`);
  assert.match(body.place, /化工一厂/);

  assert.equal(d.attempts, 3);
  assert.equal(d.last_status, 200);
  const detail = (await c.safety.get(`/api/v1/deliveries/${d.id}`)).body;
  assert.deepEqual(detail.attempts_log.map((a) => [a.attempt, a.ok, a.status]),
    [[1, false, 500], [2, false, 500], [3, true, 200]]);
  await disable(ch);
});

test('DingTalk and Feishu signatures and the WeCom message verify at the receiver', async () => {
  const dingSecret = 'SEC5f1c0a7e3b2d4c6a8e9f0123456789abcdef0123456789abcdef01234567';
  const feishuSecret = 'fs-secret-9a8b7c6d5e';
  receiver.scenarios.set('ding', { kind: 'dingtalk', secret: dingSecret });
  receiver.scenarios.set('fs', { kind: 'feishu', secret: feishuSecret });
  receiver.scenarios.set('wx', { kind: 'wecom' });
  const ding = await createChannel({
    name: '钉钉值班群', kind: 'dingtalk', secret: dingSecret,
    url: `${receiver.url}/ding/robot/send?access_token=7d3f9a0c1b2e4d5f6a7b8c9d0e1f2a3b`,
  });
  const feishu = await createChannel({
    name: '飞书安全群', kind: 'feishu', secret: feishuSecret,
    url: `${receiver.url}/fs/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
  });
  const wecom = await createChannel({
    name: '企业微信应急群', kind: 'wecom',
    url: `${receiver.url}/wx/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa`,
  });
  const alertId = await postMajor();
  for (const ch of [ding, feishu, wecom]) await waitDelivery(ch, alertId, 'sent');

  const [d] = receiver.ofAlert('ding', alertId);
  assert.ok(d.verified, 'DingTalk sign');
  assert.equal(d.url.searchParams.get('access_token'), '7d3f9a0c1b2e4d5f6a7b8c9d0e1f2a3b');
  const dBody = JSON.parse(d.raw);
  assert.equal(dBody.msgtype, 'markdown');
  assert.match(dBody.markdown.text, /级别：重大/);
  assert.match(dBody.markdown.text, /化工一厂/);
  assert.match(dBody.markdown.text, new RegExp(`https://anxun.test/alerts/${alertId}`));

  assert.ok(receiver.of('ding').every((r) => r.verified));
  const [f] = receiver.ofAlert('fs', alertId);
  assert.ok(f.verified, 'Feishu sign');
  const fBody = JSON.parse(f.raw);
  assert.equal(fBody.msg_type, 'post');
  assert.match(fBody.content.post.zh_cn.title, /可燃气体/);

  assert.ok(receiver.of('fs').every((r) => r.verified));
  const [w] = receiver.ofAlert('wx', alertId);
  const wBody = JSON.parse(w.raw);
  assert.equal(wBody.msgtype, 'markdown');
  assert.match(wBody.markdown.content, /<font color="warning">重大<\/font>/);

  // A wrong secret is refused by the platform (errcode), so the row is not sent.
  const wrong = await c.safety.patch(`/api/v1/channels/${ding.id}`, { secret: 'SECwrong' });
  assert.equal(wrong.status, 200, wrong.text);
  const refused = await c.safety.post(`/api/v1/channels/${ding.id}/test`);
  assert.equal(refused.status, 200, refused.text);
  assert.equal(refused.body.ok, false);
  assert.match(refused.body.error, /310000/);
  for (const ch of [ding, feishu, wecom]) await disable(ch);
});

test('channels show no secrets, stay in scope and need alert.configure', async () => {
  const ch = await createChannel({
    name: '密钥检查', kind: 'dingtalk', secret: 'SECtopsecret0123456789',
    url: `${receiver.url}/none/robot/send?access_token=tok-0123456789abcdef`, enabled: false,
  });
  for (const res of [await c.safety.get(`/api/v1/channels/${ch.id}`),
    await c.safety.get(`/api/v1/channels?org_unit_id=${plantUnit}`)]) {
    assert.equal(res.status, 200, res.text);
    assert.ok(!res.text.includes('SECtopsecret0123456789'), 'secret hidden');
    assert.ok(!res.text.includes('tok-0123456789abcdef'), 'robot token hidden');
  }
  const one = (await c.safety.get(`/api/v1/channels/${ch.id}`)).body;
  assert.equal(one.has_secret, true);
  assert.match(one.url_masked, /access_token=\*\*\*\*cdef$/);

  const auditor = await loginAs(server, 'auditor');
  const audit = await auditor.get('/api/v1/audit?page_size=200');
  assert.equal(audit.status, 200, audit.text);
  assert.ok(audit.text.includes('channel.create'), 'the creation is audited');
  assert.ok(!audit.text.includes('SECtopsecret0123456789'), 'the audit trail keeps no secret');
  assert.ok(!audit.text.includes('tok-0123456789abcdef'), 'nor the robot token');

  assert.equal((await c.jg_safety.get(`/api/v1/channels/${ch.id}`)).status, 404);
  assert.equal((await c.inspector.get('/api/v1/channels')).status, 403);
  assert.equal((await c.inspector.get('/api/v1/deliveries')).status, 403);

  const bad = await c.safety.post('/api/v1/channels', {
    org_unit_id: plantUnit, name: 'x', kind: 'webhook', url: 'ftp://example.test/x',
  });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.details.fields.url);
  assert.ok(bad.body.error.details.fields.secret);

  const stale = await c.safety.patch(`/api/v1/channels/${ch.id}`, { name: 'y', version: 99 });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.error.code, 'version_conflict');
  const del = await c.safety.request('DELETE', `/api/v1/channels/${ch.id}`);
  assert.equal(del.status, 204);
  assert.equal((await c.safety.get(`/api/v1/channels/${ch.id}`)).status, 404);
});

test('a delivery that keeps failing ends failed in the log and an administrator retries it', async () => {
  receiver.scenarios.set('t3', { kind: 'webhook', secret: 'whsec-t3-0123456789', failAll: true });
  const ch = await createChannel({
    name: '总是失败', kind: 'webhook', url: `${receiver.url}/t3/in`, secret: 'whsec-t3-0123456789',
  });
  const alertId = await postMajor();
  const failed = await waitDelivery(ch, alertId, 'failed', 30000);
  assert.equal(failed.attempts, BACKOFF.length + 1);
  assert.equal(failed.last_status, 500);
  assert.equal(receiver.ofDelivery('t3', failed.id).length, BACKOFF.length + 1);
  const listed = await deliveriesOf(ch, '&state=failed');
  assert.ok(listed.some((d) => d.id === failed.id));

  receiver.scenarios.get('t3').failAll = false;
  const retry = await c.safety.post(`/api/v1/deliveries/${failed.id}/retry`);
  assert.equal(retry.status, 200, retry.text);
  assert.equal(retry.body.state, 'pending');
  const sent = await waitDelivery(ch, alertId, 'sent');
  assert.equal(sent.attempts, BACKOFF.length + 2);
  const again = await c.safety.post(`/api/v1/deliveries/${failed.id}/retry`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'invalid_state');
  await disable(ch);
});

test('"send test" answers the receiver\'s outcome at once', async () => {
  receiver.scenarios.set('t4', { kind: 'webhook', secret: 'whsec-t4-0123456789' });
  const ch = await createChannel({
    name: '测试按钮', kind: 'webhook', url: `${receiver.url}/t4/in`, secret: 'whsec-t4-0123456789',
    enabled: false,
  });
  const ok = await c.safety.post(`/api/v1/channels/${ch.id}/test`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.ok, true);
  assert.equal(ok.body.status, 200);
  const [got] = receiver.ofDelivery('t4', ok.body.delivery_id);
  assert.equal(JSON.parse(got.raw).test, true);
  assert.ok(got.verified);

  receiver.scenarios.get('t4').failAll = true;
  const bad = await c.safety.post(`/api/v1/channels/${ch.id}/test`);
  assert.equal(bad.body.ok, false);
  assert.equal(bad.body.status, 500);
  const log = await deliveriesOf(ch, '&test=true');
  assert.equal(log.length, 2);
  assert.deepEqual(log.map((d) => d.state).sort(), ['failed', 'sent']);
  const noRetry = await c.safety.post(`/api/v1/deliveries/${bad.body.delivery_id}/retry`);
  assert.equal(noRetry.status, 409);

  const nowhere = await createChannel({
    name: '无人监听', kind: 'wecom', url: 'http://127.0.0.1:9/cgi-bin/webhook/send?key=x', enabled: false,
  });
  const refused = await c.safety.post(`/api/v1/channels/${nowhere.id}/test`);
  assert.equal(refused.body.ok, false);
  assert.equal(refused.body.status, null);
  assert.ok(refused.body.error.length > 0);
});

test('e-mail goes over SMTP to the recipients\' addresses and the fixed ones', async () => {
  const users = (await c.admin.get('/api/v1/users?page_size=200')).body.items;
  for (const u of users) {
    const res = await c.admin.patch(`/api/v1/users/${u.id}`, { email: `${u.username}@plant.test` });
    assert.equal(res.status, 200, res.text);
  }
  const ch = await createChannel({
    name: '值班邮箱', kind: 'email', smtp_host: '127.0.0.1', smtp_port: smtp.port,
    smtp_security: 'none', smtp_from: 'anxun@plant.test', email_to: ['duty@plant.test'],
  });
  assert.equal(ch.smtp_port, smtp.port);
  const alertId = await postMajor();
  const d = await waitDelivery(ch, alertId, 'sent');
  assert.equal(d.last_status, 250);

  const mail = smtp.mails.find((m) => m.data.includes(`anxun.delivery.${d.id}@`));
  assert.ok(mail, 'the mail arrived');
  assert.equal(mail.from, 'anxun@plant.test');
  assert.ok(mail.rcpt.includes('duty@plant.test'));
  assert.ok(mail.rcpt.length >= 2, `recipients: ${mail.rcpt}`);
  assert.ok(mail.rcpt.every((r) => r.endsWith('@plant.test')));
  assert.match(decodeSubject(mail.data), /可燃气体浓度超限/);
  const text = Buffer.from(mail.data.split('\r\n\r\n').slice(1).join('').replace(/\r\n/g, ''),
    'base64').toString('utf8');
  assert.match(text, /级别：重大/);
  assert.match(text, new RegExp(`https://anxun.test/alerts/${alertId}`));
  await disable(ch);
});

// The ids of `channel`'s deliveries marked sent in the database right now
// (read directly: the server is dead).
function sentInDatabase(srv, channelId) {
  const sql = `SELECT id FROM deliveries WHERE channel_id = ${channelId} AND state = 'sent'`;
  const out = BACKEND === 'postgresql'
    ? execFileSync('psql', [srv.dbArgs[1], '-Atc', sql])
    : execFileSync('sqlite3', [`${srv.dataDir}/anxun.db`, sql]);
  return new Set(out.toString().split('\n').filter(Boolean).map(Number));
}

test('kill -9 mid-delivery, restart: every notice arrives, none again after acknowledgement', async () => {
  const N = 12;
  // Answers take 100–520 ms, so some tries are still open when the server dies.
  receiver.scenarios.set('k', {
    kind: 'webhook', secret: 'whsec-k-0123456789', delayMs: (n) => 100 + 60 * (n % 8),
  });
  const ch = await createChannel({
    name: '崩溃恢复', kind: 'webhook', url: `${receiver.url}/k/in`, secret: 'whsec-k-0123456789',
  });
  const res = await c.safety.post('/api/v1/events',
    { events: Array.from({ length: N }, () => majorEvent()) });
  assert.equal(res.status, 201, res.text);
  const alertIds = new Set(res.body.results.map((r) => r.alert_id));
  const ours = async () => (await deliveriesOf(ch)).filter((d) => alertIds.has(d.alert_id));
  const ids = (await waitFor('the deliveries', async () => {
    const items = await ours();
    return items.length === N && items;
  })).map((d) => d.id);
  const requestsOf = () => receiver.of('k').filter((r) =>
    ids.includes(Number(r.headers['x-anxun-delivery'])));
  const acked = () => requestsOf().filter((r) => r.answeredAt);
  await waitFor('acknowledgements with tries still open',
    () => acked().length >= 3 && requestsOf().length > acked().length, 20000, 10);
  server.child.kill('SIGKILL');
  await server.stop({ keepData: true });
  const killedAt = Date.now();
  const sentAtKill = new Set([...sentInDatabase(server, ch.id)].filter((id) => ids.includes(id)));
  assert.ok(sentAtKill.size < N, 'the kill came mid-delivery');

  server = await startServer({ reuse: server, env: ENV });
  c.safety = await loginAs(server, 'safety');
  const all = await waitFor('every delivery sent', async () => {
    const items = await ours();
    return items.length === N && items.every((d) => d.state === 'sent') && items;
  }, 30000);

  // Every notice arrived: the receiver acknowledged each delivery id.
  const ackedIds = new Set(acked().map((r) => Number(r.headers['x-anxun-delivery'])));
  assert.deepEqual([...ackedIds].sort(), all.map((d) => d.id).sort());
  assert.ok(requestsOf().every((r) => r.verified));
  // None came again once the server had recorded the acknowledgement.
  for (const id of sentAtKill) {
    const later = receiver.ofDelivery('k', id).filter((r) => r.at > killedAt);
    assert.equal(later.length, 0, `delivery ${id} re-sent after it was recorded as sent`);
  }
  // A repeat after a receiver's 200 can only be one the server had not yet recorded.
  for (const id of ackedIds) {
    const reqs = receiver.ofDelivery('k', id);
    const firstAck = reqs.find((r) => r.status === 200 && r.answeredAt);
    const repeats = reqs.filter((r) => r.at > firstAck.answeredAt);
    if (repeats.length > 0) assert.ok(!sentAtKill.has(id), `delivery ${id}`);
  }
  await disable(ch);
});
