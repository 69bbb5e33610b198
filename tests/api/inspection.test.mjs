// Inspection plans, occurrences, generated tasks, scope of the task list and
// the idempotent offline sync with signed-QR check-in, over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, loginAs } from './lib.mjs';

let server;
let safety;
let inspector;
let inspector2;
let points;
let users;
let plan;

// The signed label payload, as printed on the point's QR code (org/qr.h).
function signedPayload(code) {
  const key = readFileSync(join(server.dataDir, 'qr-signing.key'));
  const mac = createHmac('sha256', key).update(`AX1:${code}`).digest().subarray(0, 16);
  return `AX1:${code}:${mac.toString('base64url')}`;
}

before(async () => {
  server = await startServer();
  safety = await loginAs(server, 'safety');
  inspector = await loginAs(server, 'inspector');
  inspector2 = await loginAs(server, 'inspector2');
  const units = (await safety.get('/api/v1/org-units?page_size=200')).body.items;
  const plant = units.find((u) => u.code === 'HG1');
  points = (await safety.get(`/api/v1/points?org_unit_id=${plant.id}&active=true&page_size=3`)).body.items;
  users = (await safety.get('/api/v1/users?page_size=200')).body.items;
  // A qr.svg request creates the installation's signing key if it is not there yet.
  await safety.get(`/api/v1/points/${points[0].id}/qr.svg`);
});
after(async () => { await server?.stop(); });

const userId = (name) => users.find((u) => u.username === name).id;

test('safety creates a plan; the rule is described in Chinese in the unit time zone', async () => {
  assert.ok(points.length >= 2, 'demo plant has points');
  const res = await safety.post('/api/v1/plans', {
    name: '储罐区日常巡检',
    kind: 'daily',
    point_ids: [points[0].id, points[1].id],
    assignee_ids: [userId('inspector')],
    rrule: 'FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0;BYSECOND=0',
    dtstart: '2026-01-01T08:00:00+08:00',
    duration_minutes: 60,
    grace_minutes: 30,
  });
  assert.equal(res.status, 201, res.text);
  plan = res.body;
  assert.equal(plan.timezone, 'Asia/Shanghai');
  assert.equal(plan.description, '每天 08:00 和 20:00');
  assert.deepEqual(plan.point_ids, [points[0].id, points[1].id]);

  const got = await safety.get(`/api/v1/plans/${plan.id}`);
  assert.equal(got.status, 200);
  const list = await safety.get('/api/v1/plans');
  assert.ok(list.body.items.some((p) => p.id === plan.id));
});

test('a malformed RRULE is refused with details.fields.rrule; inspectors cannot plan', async () => {
  const bad = await safety.post('/api/v1/plans', {
    name: 'x', point_ids: [points[0].id], rrule: 'FREQ=SOMETIMES', dtstart: '2026-01-01T08:00:00+08:00',
  });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.details.fields.rrule);
  const denied = await inspector.post('/api/v1/plans', {
    name: 'x', point_ids: [points[0].id], rrule: 'FREQ=DAILY', dtstart: '2026-01-01T08:00:00+08:00',
  });
  assert.equal(denied.status, 403);
});

test('occurrences are the expansion in Shanghai time, with due = start + duration', async () => {
  const res = await safety.get(`/api/v1/plans/${plan.id}/occurrences?from=2030-01-01T00:00:00Z&count=3`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.items.map((o) => [o.start, o.due]), [
    ['2030-01-01T00:00:00Z', '2030-01-01T01:00:00Z'],
    ['2030-01-01T12:00:00Z', '2030-01-01T13:00:00Z'],
    ['2030-01-02T00:00:00Z', '2030-01-02T01:00:00Z'],
  ]);
  const preview = await safety.post('/api/v1/plans/preview', {
    rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2026-12-07T09:00:00+08:00', count: 2,
  });
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.body.description, '每周一 09:00');
  assert.deepEqual(preview.body.items.map((o) => o.start), ['2026-12-07T01:00:00Z', '2026-12-14T01:00:00Z']);
});

test('generating twice creates each occurrence once; the inspector sees only their tasks', async () => {
  const first = await safety.post(`/api/v1/plans/${plan.id}/generate`, {});
  assert.equal(first.status, 200, first.text);
  assert.ok(first.body.created >= 3 && first.body.created <= 4, `created ${first.body.created}`);
  const again = await safety.post(`/api/v1/plans/${plan.id}/generate`, {});
  assert.equal(again.body.created, 0);

  const mine = await inspector.get(`/api/v1/tasks?plan_id=${plan.id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.total, first.body.created);
  for (const t of mine.body.items) {
    assert.deepEqual(t.assignee_ids, [userId('inspector')]);
    assert.equal(t.status, 'pending');
    assert.deepEqual(t.point_ids, [points[0].id, points[1].id]);
    assert.equal(Date.parse(t.due) - Date.parse(t.start), 3600000);
    assert.equal(Date.parse(t.grace_until) - Date.parse(t.due), 1800000);
  }
  const theirs = await inspector2.get(`/api/v1/tasks?plan_id=${plan.id}`);
  assert.equal(theirs.body.total, 0);
  const hidden = await inspector2.get(`/api/v1/tasks/${mine.body.items[0].id}`);
  assert.equal(hidden.status, 404);
  const managed = await safety.get(`/api/v1/tasks?plan_id=${plan.id}`);
  assert.equal(managed.body.total, first.body.created);
});

test('sync: a replayed batch stores once, a forged QR is refused, results complete the task', async () => {
  const task = (await inspector.get(`/api/v1/tasks?plan_id=${plan.id}`)).body.items[0];
  const [a, b] = [points[0], points[1]];
  const now = new Date().toISOString();
  const batch = [
    { client_id: `ci-${task.id}-a`, kind: 'check_in', task_id: task.id, point_id: a.id, method: 'qr',
      payload: signedPayload(a.code), device_time: now },
    { client_id: `ci-${task.id}-b`, kind: 'check_in', task_id: task.id, point_id: b.id, method: 'manual',
      reason: '标签污损', device_time: now },
    { client_id: `rs-${task.id}-a`, kind: 'result', task_id: task.id, point_id: a.id,
      answers: { s1i1: 'pass' }, device_time: now },
  ];
  const outcomes = [];
  for (let i = 0; i < 3; i++) {
    const res = await inspector.post('/api/v1/sync', { items: batch });
    assert.equal(res.status, 200, res.text);
    outcomes.push(res.body);
  }
  assert.deepEqual(outcomes[0].items.map((o) => o.status), ['stored', 'stored', 'stored']);
  assert.equal(outcomes[0].items[1].flagged, true);
  for (const o of outcomes.slice(1)) {
    assert.deepEqual(o.items.map((x) => x.status), ['duplicate', 'duplicate', 'duplicate']);
    assert.equal(o.stored, 0);
    assert.equal(o.items[0].check_in_id, outcomes[0].items[0].check_in_id);
  }

  const forged = await inspector.post('/api/v1/sync', { items: [
    { client_id: `ci-${task.id}-forged`, kind: 'check_in', task_id: task.id, point_id: a.id, method: 'qr',
      payload: `AX1:${a.code}:AAAAAAAAAAAAAAAAAAAAAA` },
    { client_id: `ci-${task.id}-other`, kind: 'check_in', task_id: task.id, point_id: a.id, method: 'qr',
      payload: signedPayload(b.code) },
  ] });
  assert.equal(forged.status, 200);
  assert.deepEqual(forged.body.items.map((o) => [o.status, o.code]),
    [['rejected', 'qr_invalid'], ['rejected', 'qr_invalid']]);

  const mid = (await inspector.get(`/api/v1/tasks/${task.id}`)).body;
  assert.equal(mid.status, 'in_progress');
  assert.ok(mid.points.every((p) => p.checked_in_at));

  const done = await inspector.post('/api/v1/sync', { items: [
    { client_id: `rs-${task.id}-b`, kind: 'result', task_id: task.id, point_id: b.id,
      answers: { s1i1: 'fail' }, note: '法兰渗漏' },
  ] });
  assert.equal(done.body.items[0].status, 'stored', JSON.stringify(done.body));
  assert.equal(done.body.items[0].abnormal, true);
  const after = (await inspector.get(`/api/v1/tasks/${task.id}`)).body;
  assert.equal(after.status, 'completed');

  // Someone else's task cannot be executed.
  const stranger = await inspector2.post('/api/v1/sync', { items: [
    { client_id: `x-${task.id}`, kind: 'check_in', task_id: task.id, point_id: a.id, method: 'manual', reason: 'x' },
  ] });
  assert.equal(stranger.body.items[0].status, 'rejected');
});

test('an ad hoc task is urgent and goes to its assignee; cancelling needs a reason', async () => {
  const res = await safety.post('/api/v1/tasks', {
    title: '暴雨后专项检查', point_ids: [points[0].id], assignee_ids: [userId('inspector2')],
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.urgent, true);
  const theirs = await inspector2.get('/api/v1/tasks?status=pending');
  assert.ok(theirs.body.items.some((t) => t.id === res.body.id));
  const noReason = await safety.post(`/api/v1/tasks/${res.body.id}/cancel`, { reason: '' });
  assert.equal(noReason.status, 400);
  const cancelled = await safety.post(`/api/v1/tasks/${res.body.id}/cancel`, { reason: '天气好转' });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, 'cancelled');
  const denied = await inspector.post('/api/v1/tasks', {
    title: 'x', point_ids: [points[0].id], assignee_ids: [userId('inspector')],
  });
  assert.equal(denied.status, 403);
});
