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
let plantId;

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
  plantId = plant.id;
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

  // The manual check-in is flagged for the administrators.
  const flags = await safety.get('/api/v1/task-flags?kind=manual_check_in');
  assert.equal(flags.status, 200, flags.text);
  assert.ok(flags.body.items.some((f) => f.task_id === task.id && f.detail === '标签污损'));
  assert.equal((await inspector.get('/api/v1/task-flags')).status, 403);
  assert.equal((await inspector.get('/api/v1/tasks?status=done')).status, 400);

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
  const moved = await safety.post(`/api/v1/tasks/${res.body.id}/reassign`, {
    assignee_ids: [userId('inspector')], reason: '陈志刚休假',
  });
  assert.equal(moved.status, 200, moved.text);
  assert.deepEqual(moved.body.assignee_ids, [userId('inspector')]);
  assert.ok((await inspector.get(`/api/v1/tasks/${res.body.id}`)).status === 200);
  assert.equal((await inspector2.get(`/api/v1/tasks/${res.body.id}`)).status, 404);
  const cancelled = await safety.post(`/api/v1/tasks/${res.body.id}/cancel`, { reason: '天气好转' });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, 'cancelled');
  const denied = await inspector.post('/api/v1/tasks', {
    title: 'x', point_ids: [points[0].id], assignee_ids: [userId('inspector')],
  });
  assert.equal(denied.status, 403);
});

test('the guideline default plans are offered, each with a valid rule', async () => {
  const res = await safety.get('/api/v1/plan-templates');
  assert.equal(res.status, 200);
  assert.ok(res.body.items.length >= 7);
  for (const t of res.body.items.slice(0, 3)) {
    const preview = await safety.post('/api/v1/plans/preview', {
      rrule: t.rrule, dtstart: '2026-12-07T08:00:00+08:00', count: 2,
    });
    assert.equal(preview.status, 200, `${t.code}: ${preview.text}`);
    assert.equal(preview.body.items.length, 2);
  }
});

test('templates are versioned; a route plan keeps its version and failing answers are judged', async () => {
  const bad = await safety.post('/api/v1/checklist-templates', {
    org_unit_id: plantId, name: 'x', sections: [{ title: 's', items: [{ label: 'y', kind: 'colour' }] }],
  });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.details.fields['sections[0].items[0].kind']);

  const created = await safety.post('/api/v1/checklist-templates', {
    org_unit_id: plantId, name: '储罐区检查表', sections: [{ title: '储罐', items: [
      { label: '罐体无渗漏', kind: 'pass_fail', criterion: '目视无渗漏、无锈蚀',
        on_fail: { require_note: true, propose_hazard: true, mark_abnormal: true } },
      { label: '液位', kind: 'number', unit: '%', min: 10, max: 85, criterion: '10%–85%' },
    ] }],
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.version_no, 1);
  assert.deepEqual(created.body.sections[0].items.map((i) => i.key), ['s1i1', 's1i2']);
  const sections = created.body.sections;
  sections[0].items[1].max = 90;
  const v2 = await safety.patch(`/api/v1/checklist-templates/${created.body.id}`, { sections });
  assert.equal(v2.status, 200, v2.text);
  assert.equal(v2.body.latest_version, 2);
  const v1 = await safety.get(`/api/v1/checklist-templates/${created.body.id}?version=1`);
  assert.equal(v1.body.sections[0].items[1].max, 85);

  const route = await safety.post('/api/v1/inspection-routes', {
    org_unit_id: plantId, name: '储罐区路线', enforce_order: true, point_ids: [points[1].id, points[0].id],
  });
  assert.equal(route.status, 201, route.text);
  const p = await safety.post('/api/v1/plans', {
    name: '储罐区按路线巡检', kind: 'special', route_id: route.body.id, template_id: created.body.id,
    assignee_ids: [userId('inspector')], rrule: 'FREQ=HOURLY;INTERVAL=6',
    dtstart: '2026-01-01T00:00:00+08:00', duration_minutes: 120, grace_minutes: 0,
  });
  assert.equal(p.status, 201, p.text);
  assert.equal((await safety.post(`/api/v1/plans/${p.body.id}/generate`, {})).status, 200);
  const task = (await inspector.get(`/api/v1/tasks?plan_id=${p.body.id}`)).body.items[0];
  assert.equal(task.template_version_id, v2.body.version_id);
  assert.deepEqual(task.point_ids, [points[1].id, points[0].id]);

  const [first, second] = [points[1], points[0]];
  const send = (items) => inspector.post('/api/v1/sync', { items });
  const checkIn = (pt) => ({ client_id: `t${task.id}-ci-${pt.id}`, kind: 'check_in', task_id: task.id,
    point_id: pt.id, method: 'qr', payload: signedPayload(pt.code) });
  const noNote = await send([checkIn(first), { client_id: `t${task.id}-r1`, kind: 'result',
    task_id: task.id, point_id: first.id, answers: { s1i1: 'fail', s1i2: 50 } }]);
  assert.deepEqual(noNote.body.items.map((o) => o.status), ['stored', 'rejected']);
  assert.equal(noNote.body.items[1].code, 'note_required');
  const withNote = await send([{ client_id: `t${task.id}-r2`, kind: 'result', task_id: task.id,
    point_id: first.id, answers: { s1i1: 'fail', s1i2: 50 }, note: '罐底渗漏' }]);
  assert.equal(withNote.body.items[0].status, 'stored', withNote.text);
  assert.equal(withNote.body.items[0].abnormal, true);
  assert.deepEqual(withNote.body.items[0].propose_hazard, ['s1i1']);
  const high = await send([checkIn(second), { client_id: `t${task.id}-r3`, kind: 'result',
    task_id: task.id, point_id: second.id, answers: [{ key: 's1i1', value: 'pass' }, { key: 's1i2', value: 95 }] }]);
  assert.deepEqual(high.body.items.map((o) => o.status), ['stored', 'stored']);
  assert.deepEqual(high.body.items[1].failing, ['s1i2']);
  const done = (await inspector.get(`/api/v1/tasks/${task.id}`)).body;
  assert.equal(done.status, 'completed');
  assert.equal(done.check_ins.length, 2);
  assert.equal(done.results.length, 2);
});

test('a plan assigned to a role reaches everyone holding it in the unit, and no one outside', async () => {
  const res = await safety.post('/api/v1/plans', {
    name: '班组轮巡', point_ids: [points[0].id], assignee_role: 'inspector',
    rrule: 'FREQ=HOURLY;INTERVAL=12', dtstart: '2026-01-01T08:00:00+08:00', duration_minutes: 60,
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.assignee_unit_id, plantId);
  const bad = await safety.post('/api/v1/plans', {
    name: 'x', point_ids: [points[0].id], assignee_role: 'no_such_role', rrule: 'FREQ=DAILY',
    dtstart: '2026-01-01T08:00:00+08:00',
  });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.error.details.fields.assignee_role);
  assert.equal((await safety.post(`/api/v1/plans/${res.body.id}/generate`, {})).status, 200);
  const tasks = (await safety.get(`/api/v1/tasks?plan_id=${res.body.id}`)).body.items;
  assert.ok(tasks.length >= 1);
  const ids = tasks[0].assignee_ids;
  assert.ok(ids.includes(userId('inspector')) && ids.includes(userId('inspector2')));
  const admin = await loginAs(server, 'admin');
  const everyone = (await admin.get('/api/v1/users?page_size=200')).body.items;
  const jg = everyone.find((u) => u.username === 'jg_inspector');
  assert.ok(jg, 'demo has an inspector in another plant');
  assert.ok(!ids.includes(jg.id));
  assert.equal((await inspector2.get(`/api/v1/tasks?plan_id=${res.body.id}`)).body.total, tasks.length);
});

test('sync: a batch cut off midway is resent whole; the stored part answers duplicate', async () => {
  const t = (await safety.post('/api/v1/tasks', {
    title: '泄漏复查', point_ids: [points[0].id, points[1].id], assignee_ids: [userId('inspector')],
  })).body;
  const items = [points[0], points[1]].flatMap((pt) => [
    { client_id: `cut-${t.id}-ci-${pt.id}`, kind: 'check_in', task_id: t.id, point_id: pt.id,
      method: 'qr', payload: signedPayload(pt.code) },
    { client_id: `cut-${t.id}-rs-${pt.id}`, kind: 'result', task_id: t.id, point_id: pt.id,
      answers: { s1i1: 'pass' } },
  ]);
  const partial = await inspector.post('/api/v1/sync', { items: items.slice(0, 2) });
  assert.equal(partial.body.stored, 2);
  const whole = await inspector.post('/api/v1/sync', { items: [...items,
    { client_id: `cut-${t.id}-hz`, kind: 'teleport', task_id: t.id }] });
  assert.deepEqual(whole.body.items.map((o) => o.status),
    ['duplicate', 'duplicate', 'stored', 'stored', 'rejected']);
  assert.equal(whole.body.items[4].code, 'unsupported_kind');
  const done = (await inspector.get(`/api/v1/tasks/${t.id}`)).body;
  assert.equal(done.status, 'completed');
  assert.equal(done.late, false);
  assert.equal(done.check_ins.length, 2);
  assert.equal(done.results.length, 2);
});
