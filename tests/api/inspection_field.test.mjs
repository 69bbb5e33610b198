// What the inspector's phone needs from a task to work offline (its checklist
// version, each point's position and the hash of its signed QR label), and
// custom pass/fail answer sets judged like choice items.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, loginAs } from './lib.mjs';

let server;
let safety;
let inspector;
let point;
let task;

function signedPayload(code) {
  const key = readFileSync(join(server.dataDir, 'qr-signing.key'));
  const mac = createHmac('sha256', key).update(`AX1:${code}`).digest().subarray(0, 16);
  return `AX1:${code}:${mac.toString('base64url')}`;
}

before(async () => {
  server = await startServer();
  safety = await loginAs(server, 'safety');
  inspector = await loginAs(server, 'inspector');
  const units = (await safety.get('/api/v1/org-units?page_size=200')).body.items;
  const plant = units.find((u) => u.code === 'HG1');
  point = (await safety.get(`/api/v1/points?org_unit_id=${plant.id}&active=true&page_size=1`)).body.items[0];
  const users = (await safety.get('/api/v1/users?page_size=200')).body.items;
  const template = await safety.post('/api/v1/checklist-templates', {
    org_unit_id: plant.id, name: '消防器材检查表', sections: [{ title: '灭火器', items: [
      { label: '压力表指针', kind: 'pass_fail', options: [
        { value: 'green', label: '绿区', color: '#2e9e4f' },
        { value: 'red', label: '红区', color: '#d93026', failing: true },
        { value: 'yellow', label: '黄区', color: '#e6a23c', failing: true },
      ] },
    ] }],
  });
  assert.equal(template.status, 201, template.text);
  const created = await safety.post('/api/v1/tasks', {
    title: '消防器材月检', point_ids: [point.id], template_id: template.body.id,
    assignee_ids: [users.find((u) => u.username === 'inspector').id],
  });
  assert.equal(created.status, 201, created.text);
  task = created.body;
});
after(async () => { await server?.stop(); });

test('the task detail carries its checklist version and what a phone needs per point', async () => {
  const res = await inspector.get(`/api/v1/tasks/${task.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.checklist.name, '消防器材检查表');
  assert.equal(res.body.checklist.version_no, 1);
  assert.equal(res.body.checklist.sections[0].items[0].key, 's1i1');
  const [p] = res.body.points;
  for (const key of ['latitude', 'longitude', 'radius_m', 'nfc_uid']) assert.ok(key in p, key);
  const expected = createHash('sha256').update(signedPayload(point.code)).digest('hex');
  assert.equal(p.qr_sha256, expected);
});

test('a failing answer of a custom pass/fail set fails the item', async () => {
  const res = await inspector.post('/api/v1/sync', { items: [
    { client_id: `f-${task.id}-ci`, kind: 'check_in', task_id: task.id, point_id: point.id,
      method: 'qr', payload: signedPayload(point.code) },
    { client_id: `f-${task.id}-rs`, kind: 'result', task_id: task.id, point_id: point.id,
      answers: { s1i1: 'yellow' } },
  ] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.items.map((o) => o.status), ['stored', 'stored']);
  assert.deepEqual(res.body.items[1].failing, ['s1i1']);
  assert.equal(res.body.items[1].abnormal, true);
});

test('a task without a checklist says so', async () => {
  const users = (await safety.get('/api/v1/users?page_size=200')).body.items;
  const plain = (await safety.post('/api/v1/tasks', {
    title: '临时查看', point_ids: [point.id],
    assignee_ids: [users.find((u) => u.username === 'inspector').id],
  })).body;
  const res = await inspector.get(`/api/v1/tasks/${plain.id}`);
  assert.equal(res.body.checklist, null);
});
