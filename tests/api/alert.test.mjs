// Events and alerts over real HTTP: batch intake with merging and filters,
// the people's actions with versions, data scope, silences, turning an alert
// into a hazard, and the Alertmanager-shaped intake. Runs on both back ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAs } from './lib.mjs';

let server;
const c = {};  // clients by username
let point;     // a point of 化工一厂 (safety's plant)
let seq = 0;

before(async () => {
  server = await startServer();
  for (const u of ['safety', 'jg_safety', 'manager', 'admin']) c[u] = await loginAs(server, u);
  const points = (await c.safety.get('/api/v1/points?page_size=1')).body.items;
  point = points[0];
});

after(async () => { await server?.stop(); });

function camera() { return `cam-${process.pid}-${Date.now()}-${++seq}`; }

function helmet(cameraId, extra = {}) {
  return {
    source: 'camera', rule: 'camera.no_helmet', level: 'general', point_id: point.id,
    camera_id: cameraId, labels: { class: 'no_helmet', track: String(++seq) },
    confidence: 0.9, payload: { box: [1, 2, 3, 4] }, ...extra,
  };
}

async function post(client, events) {
  const res = await client.post('/api/v1/events', { events });
  assert.equal(res.status, 201, res.text);
  return res.body.results;
}

async function getAlert(client, id) {
  const res = await client.get(`/api/v1/alerts/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

async function openAlert() {
  const [r] = await post(c.safety, [helmet(camera())]);
  return getAlert(c.safety, r.alert_id);
}

test('repeats in one batch merge into one alert with the right count', async () => {
  const cam = camera();
  const results = await post(c.safety, [
    helmet(cam, { occurred_at: new Date(Date.now() - 30000).toISOString() }),
    helmet(cam, { occurred_at: new Date(Date.now() - 20000).toISOString() }),
    helmet(cam, { occurred_at: new Date(Date.now() - 10000).toISOString(), file_ids: [] }),
    helmet(cam, { confidence: 0.2 }),
  ]);
  assert.equal(results.length, 4);
  assert.equal(results[0].merged, false);
  assert.equal(results[0].notify, true);
  assert.equal(results[1].merged, true);
  assert.equal(results[1].notify, false);
  assert.equal(results[2].alert_id, results[0].alert_id);
  assert.equal(results[3].filtered, 'low_confidence');
  assert.equal(results[3].alert_id, null);

  const list = await c.safety.get('/api/v1/alerts?rule=camera.no_helmet&status=open&page_size=200');
  assert.equal(list.status, 200, list.text);
  const a = list.body.items.find((x) => x.id === results[0].alert_id);
  assert.ok(a, 'listed');
  assert.equal(a.count, 3);
  assert.match(a.fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(a.status, 'open');
  assert.equal(a.point_id, point.id);
  assert.equal(a.org_unit_id, point.org_unit_id);
  assert.ok(Date.parse(a.first_seen) < Date.parse(a.last_seen));

  // A later batch merges too.
  const [again] = await post(c.safety, [helmet(cam)]);
  assert.equal(again.merged, true);
  assert.equal(again.alert_id, a.id);
  const detail = await getAlert(c.safety, a.id);
  assert.equal(detail.count, 4);
  assert.equal(detail.history[0].action, 'open');
  assert.ok(detail.recent_events.length >= 4);
});

test('acknowledge, then resolve; a stale version is 409; reject needs a reason', async () => {
  const a = await openAlert();
  const ack = await c.safety.post(`/api/v1/alerts/${a.id}/actions/acknowledge`, { version: a.version });
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.body.status, 'acknowledged');
  assert.equal(ack.body.version, a.version + 1);

  const stale = await c.safety.post(`/api/v1/alerts/${a.id}/actions/resolve`, { version: a.version });
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.body.error.code, 'version_conflict');

  const again = await c.safety.post(`/api/v1/alerts/${a.id}/actions/acknowledge`,
    { version: ack.body.version });
  assert.equal(again.status, 409);

  const res = await c.safety.post(`/api/v1/alerts/${a.id}/actions/resolve`,
    { version: ack.body.version, note: '已处理' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'resolved');
  assert.equal(res.body.resolution, 'source_resolved');

  const b = await openAlert();
  const noReason = await c.safety.post(`/api/v1/alerts/${b.id}/actions/reject`, { version: b.version });
  assert.equal(noReason.status, 400, noReason.text);
  const rej = await c.safety.post(`/api/v1/alerts/${b.id}/actions/reject`,
    { version: b.version, reason: '误报：反光背心' });
  assert.equal(rej.status, 200, rej.text);
  assert.equal(rej.body.resolution, 'rejected');
  assert.equal(rej.body.reject_reason, '误报：反光背心');
  const unknown = await c.safety.post(`/api/v1/alerts/${b.id}/actions/explode`, { version: 1 });
  assert.equal(unknown.status, 404);
});

test("another plant's safety officer sees none of it (404) and cannot post for it", async () => {
  const a = await openAlert();
  const get = await c.jg_safety.get(`/api/v1/alerts/${a.id}`);
  assert.equal(get.status, 404);
  const act = await c.jg_safety.post(`/api/v1/alerts/${a.id}/actions/acknowledge`,
    { version: a.version });
  assert.equal(act.status, 404);
  const list = await c.jg_safety.get('/api/v1/alerts?page_size=200');
  assert.equal(list.status, 200);
  assert.ok(!list.body.items.some((x) => x.id === a.id));

  const foreign = await c.jg_safety.post('/api/v1/events', { events: [helmet(camera())] });
  assert.equal(foreign.status, 400, foreign.text);
  assert.ok(foreign.body.error.details.fields['events[0].point_id']);
});

test('who may post, and what a batch must look like', async () => {
  const manager = await c.manager.post('/api/v1/events', { events: [helmet(camera())] });
  assert.equal(manager.status, 403);
  const admin = await c.admin.post('/api/v1/events', { events: [helmet(camera())] });
  assert.equal(admin.status, 403);  // the demo's sysadmin has no event.post

  const empty = await c.safety.post('/api/v1/events', { events: [] });
  assert.equal(empty.status, 400);
  const big = await c.safety.post('/api/v1/events',
    { events: Array.from({ length: 1001 }, () => helmet('x')) });
  assert.equal(big.status, 400);
  // One bad event refuses the whole batch: nothing recorded.
  const cam = camera();
  const bad = await c.safety.post('/api/v1/events',
    { events: [helmet(cam), helmet(cam, { level: 'critical' })] });
  assert.equal(bad.status, 400, bad.text);
  assert.ok(bad.body.error.details.fields['events[1].level']);
  const none = await c.safety.get('/api/v1/alerts?page_size=200&rule=camera.no_helmet');
  assert.ok(!none.body.items.some((x) => x.camera_id === cam));
});

test('a silence suppresses the notification, keeps the record, and can be expired', async () => {
  const cam = camera();
  const create = await c.safety.post('/api/v1/silences', {
    matchers: [{ name: 'camera_id', value: cam }],
    ends_at: new Date(Date.now() + 3600000).toISOString(), reason: '摄像头检修',
  });
  assert.equal(create.status, 201, create.text);
  assert.equal(create.body.active, true);
  const [r] = await post(c.safety, [helmet(cam)]);
  assert.equal(r.silenced, true);
  assert.equal(r.notify, false);
  assert.ok(r.alert_id);
  assert.equal((await getAlert(c.safety, r.alert_id)).silenced, true);

  const list = await c.safety.get('/api/v1/silences?active=true');
  assert.ok(list.body.items.some((s) => s.id === create.body.id));
  const foreign = await c.jg_safety.get('/api/v1/silences');
  assert.ok(!foreign.body.items.some((s) => s.id === create.body.id));
  assert.equal((await c.jg_safety.post(`/api/v1/silences/${create.body.id}/expire`)).status, 404);

  const exp = await c.safety.post(`/api/v1/silences/${create.body.id}/expire`);
  assert.equal(exp.status, 200, exp.text);
  assert.equal(exp.body.active, false);
  const cam2 = camera();
  const [r2] = await post(c.safety, [helmet(cam2)]);
  assert.equal(r2.silenced, false);

  const bad = await c.safety.post('/api/v1/silences', { matchers: [], reason: 'x' });
  assert.equal(bad.status, 400);
});

test('a person turns a camera alert into a hazard with location and evidence', async () => {
  const a = await openAlert();
  assert.equal(a.hazard_id, null);
  const res = await c.safety.post(`/api/v1/alerts/${a.id}/actions/to_hazard`,
    { version: a.version, category: 'ppe' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'resolved');
  assert.equal(res.body.resolution, 'hazard');
  assert.ok(res.body.hazard_id);
  const h = await c.safety.get(`/api/v1/hazards/${res.body.hazard_id}`);
  assert.equal(h.status, 200, h.text);
  assert.equal(h.body.point_id, point.id);
  assert.equal(h.body.source, 'camera');
  assert.equal(h.body.source_ref, `alert:${a.id}`);
  assert.equal(h.body.level, 'general');
  const twice = await c.safety.post(`/api/v1/alerts/${a.id}/actions/to_hazard`,
    { version: res.body.version });
  assert.equal(twice.status, 409);
});

test('Alertmanager-shaped intake merges, maps severity, groups, and resolves by source', async () => {
  const instance = `plc-${process.pid}-${Date.now()}`;
  const am = {
    labels: { alertname: 'scada.pressure_high', severity: 'critical', instance,
      org_unit_id: String(point.org_unit_id) },
    annotations: { summary: '反应釜压力超限' },
    startsAt: new Date(Date.now() - 60000).toISOString(),
    endsAt: new Date(Date.now() + 300000).toISOString(),
    generatorURL: 'http://prometheus.local/graph',
  };
  const first = await c.safety.post('/api/v2/alerts', [am]);
  assert.equal(first.status, 200, first.text);
  const second = await c.safety.post('/api/v2/alerts', [am, am]);
  assert.equal(second.status, 200, second.text);
  const id = first.body.results[0].alert_id;
  assert.equal(second.body.results[0].alert_id, id);
  assert.equal(second.body.results[1].merged, true);
  const a = await getAlert(c.safety, id);
  assert.equal(a.count, 3);
  assert.equal(a.level, 'major');
  assert.equal(a.rule, 'scada.pressure_high');
  assert.equal(a.source, 'prometheus');
  assert.equal(a.annotations.summary, '反应釜压力超限');

  const groups = await c.safety.get('/api/v2/alerts/groups');
  assert.equal(groups.status, 200, groups.text);
  const g = groups.body.find((x) => x.labels.alertname === 'scada.pressure_high');
  assert.ok(g);
  const item = g.alerts.find((x) => x.fingerprint === a.fingerprint);
  assert.ok(item);
  assert.equal(item.labels.instance, instance);
  assert.equal(item.status.state, 'active');
  assert.equal(item.anxun.count, 3);
  assert.equal(item.labels.alertname, 'scada.pressure_high');
  assert.equal(item.labels.level, 'major');
  const filtered = await c.safety.get(
    `/api/v2/alerts/groups?filter=${encodeURIComponent(`instance="${instance}"`)}`);
  assert.equal(filtered.status, 200, filtered.text);
  assert.deepEqual(filtered.body.flatMap((x) => x.alerts).map((x) => x.fingerprint),
    [a.fingerprint]);
  const badFilter = await c.safety.get('/api/v2/alerts/groups?filter=%3D%22x%22');
  assert.equal(badFilter.status, 400, badFilter.text);
  const foreign = await c.jg_safety.get('/api/v2/alerts/groups');
  assert.ok(!JSON.stringify(foreign.body).includes(instance));

  const ended = await c.safety.post('/api/v2/alerts',
    [{ ...am, endsAt: new Date(Date.now() - 1000).toISOString() }]);
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.body.results[0].resolved, true);
  const done = await getAlert(c.safety, id);
  assert.equal(done.status, 'resolved');
  assert.equal(done.resolution, 'source_resolved');

  const warning = await c.safety.post('/api/v2/alerts',
    [{ labels: { alertname: 'scada.temp', severity: 'warning', instance } }]);
  assert.equal(warning.status, 200, warning.text);
  assert.equal(warning.body.results[0].level, 'general');
  // The L1..L4 grading of plant SCADA and video systems maps onto our four levels.
  const graded = await c.safety.post('/api/v2/alerts', ['L1', 'L2', 'L3', 'L4'].map((severity) =>
    ({ labels: { alertname: 'scada.graded', severity, instance: `${instance}-${severity}` } })));
  assert.equal(graded.status, 200, graded.text);
  assert.deepEqual(graded.body.results.map((r) => r.level),
    ['major', 'serious', 'general', 'minor']);
  const noName = await c.safety.post('/api/v2/alerts', [{ labels: { severity: 'info' } }]);
  assert.equal(noName.status, 400);
});
