import { IDBFactory } from 'fake-indexeddb'
import { beforeEach, describe, expect, it } from 'vitest'

import type { SyncOutcome } from '@/api/inspection'

import { Outbox, newClientId, type StoredPhoto } from './outbox'
import {
  SyncEngine,
  backoffMs,
  resolvePhotos,
  type Transport,
} from './sync-engine'

const USER = 7

/** A server that stores each client_id once, like POST /sync does. */
class FakeServer implements Transport {
  stored = new Map<string, Record<string, unknown>>()
  uploads: string[] = []
  hazards = new Map<string, Record<string, unknown>>()
  /** What the next calls do instead of answering. */
  failNext: { status: number; code: string; message: string }[] = []
  /** Store the batch, then lose the answer (network dropped mid-request). */
  dropAnswer = false
  refuse = new Set<string>()

  private maybeFail(): void {
    const failure = this.failNext.shift()
    if (failure) throw Object.assign(new Error(failure.message), failure)
  }

  async upload(photo: StoredPhoto) {
    this.maybeFail()
    this.uploads.push(photo.id)
    return { id: 100 + this.uploads.length, sha256: photo.sha256 }
  }

  async sync(items: Record<string, unknown>[]): Promise<SyncOutcome[]> {
    this.maybeFail()
    const outcomes = items.map((item): SyncOutcome => {
      const id = String(item.client_id)
      const kind = String(item.kind)
      if (this.refuse.has(id)) {
        return {
          client_id: id,
          kind,
          status: 'rejected',
          code: 'too_far',
          message: '距离该点过远',
        }
      }
      if (this.stored.has(id))
        return { client_id: id, kind, status: 'duplicate' }
      this.stored.set(id, item)
      return { client_id: id, kind, status: 'stored' }
    })
    if (this.dropAnswer) {
      this.dropAnswer = false
      throw Object.assign(new Error('network error'), {
        status: 0,
        code: 'network_error',
      })
    }
    return outcomes
  }

  async reportHazard(body: Record<string, unknown>) {
    this.maybeFail()
    this.hazards.set(String(body.client_id), body)
    return {}
  }
}

let factory: IDBFactory
let outbox: Outbox
let server: FakeServer
let engine: SyncEngine

function checkIn(pointId: number, createdAt: number) {
  const client_id = newClientId()
  return outbox.enqueue({
    client_id,
    kind: 'check_in',
    user_id: USER,
    task_id: 1,
    point_id: pointId,
    body: {
      client_id,
      kind: 'check_in',
      task_id: 1,
      point_id: pointId,
      method: 'manual',
      reason: '标签污损',
    },
    photo_ids: [],
    created_at: createdAt,
  })
}

async function photo(id: string): Promise<StoredPhoto> {
  const stored = {
    id,
    user_id: USER,
    bytes: new Uint8Array([1, 2, 3]).buffer,
    type: 'image/jpeg',
    sha256: `hash-${id}`,
    taken_at: '2026-01-01T00:00:00Z',
  }
  await outbox.putPhoto(stored)
  return stored
}

beforeEach(async () => {
  factory = new IDBFactory()
  outbox = await Outbox.open(factory)
  server = new FakeServer()
  engine = new SyncEngine(outbox, server)
})

describe('Outbox', () => {
  it('keeps queued work when the page is closed and opened again', async () => {
    await checkIn(1, 1)
    await checkIn(2, 2)
    outbox.close()

    const reopened = await Outbox.open(factory)

    expect((await reopened.items(USER)).map((i) => i.point_id)).toEqual([1, 2])
    expect(await reopened.counts(USER)).toEqual({ waiting: 2, rejected: 0 })
  })

  it('shows each user only their own items', async () => {
    await checkIn(1, 1)

    expect(await outbox.items(USER + 1)).toEqual([])
    expect(await outbox.counts(USER + 1)).toEqual({ waiting: 0, rejected: 0 })
  })

  it('drops a removed item’s photos unless another item still uses them', async () => {
    await photo('a')
    await photo('b')
    await photo('c')
    await outbox.setFileId('c', 55)
    const first = await outbox.enqueue({
      client_id: 'r1',
      kind: 'result',
      user_id: USER,
      body: {},
      photo_ids: ['a', 'b', 'c'],
    })
    await outbox.enqueue({
      client_id: 'h1',
      kind: 'hazard',
      user_id: USER,
      body: {},
      photo_ids: ['b'],
    })

    await outbox.remove(first.client_id)

    expect(await outbox.photo('a')).toBeUndefined()
    expect((await outbox.photo('b'))?.bytes).toBeDefined()
    // Sent already: a draft may still name it, so its file id stays.
    expect(await outbox.photo('c')).toMatchObject({
      file_id: 55,
      bytes: undefined,
    })
  })

  it('prunes old photos no queued item needs', async () => {
    await photo('old')
    await photo('kept')
    await outbox.enqueue({
      client_id: 'r1',
      kind: 'result',
      user_id: USER,
      body: {},
      photo_ids: ['kept'],
    })

    const pruned = await outbox.prunePhotos(Date.parse('2026-01-02T00:00:00Z'))

    expect(pruned).toBe(1)
    expect(await outbox.photo('old')).toBeUndefined()
    expect(await outbox.photo('kept')).toBeDefined()
  })

  it('makes version 4 UUIDs', () => {
    expect(newClientId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })
})

describe('SyncEngine.flush', () => {
  it('sends waiting items in order and removes them once answered', async () => {
    await checkIn(2, 20)
    await checkIn(1, 10)

    const report = await engine.flush(USER)

    expect(report).toEqual({ sent: 2, rejected: 0 })
    expect([...server.stored.values()].map((b) => b.point_id)).toEqual([1, 2])
    expect(await outbox.items(USER)).toEqual([])
  })

  it('keeps everything and stops when the network is down', async () => {
    await checkIn(1, 1)
    server.failNext.push({
      status: 0,
      code: 'network_error',
      message: 'network error',
    })

    const report = await engine.flush(USER)

    expect(report.stopped).toBe('transient')
    const [item] = await outbox.items(USER)
    expect(item.state).toBe('waiting')
    expect(item.attempts).toBe(1)
    expect(server.stored.size).toBe(0)
  })

  it('stores once when the answer was lost mid-request and the batch is sent again', async () => {
    await checkIn(1, 1)
    server.dropAnswer = true

    const lost = await engine.flush(USER)
    const again = await engine.flush(USER)

    expect(lost.stopped).toBe('transient')
    expect(await outbox.items(USER)).toEqual([])
    expect(again.sent).toBe(1)
    expect(server.stored.size).toBe(1)
  })

  it('keeps a refused item with the reason, and sends the rest', async () => {
    const refused = await checkIn(1, 1)
    await checkIn(2, 2)
    server.refuse.add(refused.client_id)

    const report = await engine.flush(USER)

    expect(report).toEqual({ sent: 1, rejected: 1 })
    const [left] = await outbox.items(USER)
    expect(left.client_id).toBe(refused.client_id)
    expect(left.state).toBe('rejected')
    expect(left.error).toEqual({ code: 'too_far', message: '距离该点过远' })
    expect(await outbox.counts(USER)).toEqual({ waiting: 0, rejected: 1 })
    expect((await engine.flush(USER)).sent).toBe(0)
  })

  it('stops without losing anything when the session has ended', async () => {
    await checkIn(1, 1)
    server.failNext.push({ status: 401, code: 'unauthenticated', message: '' })

    const report = await engine.flush(USER)

    expect(report.stopped).toBe('auth')
    expect(await outbox.counts(USER)).toEqual({ waiting: 1, rejected: 0 })
  })

  it('uploads each photo once and puts the file into the answers', async () => {
    await photo('p1')
    await outbox.enqueue({
      client_id: 'r1',
      kind: 'result',
      user_id: USER,
      task_id: 1,
      point_id: 1,
      body: {
        client_id: 'r1',
        kind: 'result',
        answers: { s1i3: [{ $photo: 'p1' }] },
      },
      photo_ids: ['p1'],
    })
    server.failNext.push({ status: 0, code: 'network_error', message: '' })
    await engine.flush(USER)
    // The upload failed; now it goes through and the batch fails after it.
    server.dropAnswer = true
    await engine.flush(USER)

    await engine.flush(USER)

    expect(server.uploads).toEqual(['p1'])
    expect(server.stored.get('r1')?.answers).toEqual({
      s1i3: [
        { file_id: 101, sha256: 'hash-p1', taken_at: '2026-01-01T00:00:00Z' },
      ],
    })
    expect(await outbox.photo('p1')).toMatchObject({
      file_id: 101,
      bytes: undefined,
    })
  })

  it('reports a hazard with its photos once the network is back', async () => {
    await photo('p1')
    await outbox.enqueue({
      client_id: 'h1',
      kind: 'hazard',
      user_id: USER,
      body: { title: '法兰渗漏', source: 'inspection' },
      photo_ids: ['p1'],
    })
    server.failNext.push({ status: 503, code: 'http_503', message: '' })
    expect((await engine.flush(USER)).stopped).toBe('transient')

    const report = await engine.flush(USER)

    expect(report).toEqual({ sent: 1, rejected: 0 })
    expect(server.hazards.get('h1')).toEqual({
      title: '法兰渗漏',
      source: 'inspection',
      client_id: 'h1',
      file_ids: [101],
    })
    expect(await outbox.items(USER)).toEqual([])
  })

  it('rejects a hazard the server refuses and keeps it for the inspector', async () => {
    await outbox.enqueue({
      client_id: 'h1',
      kind: 'hazard',
      user_id: USER,
      body: { title: 'x' },
      photo_ids: [],
    })
    server.failNext.push({
      status: 400,
      code: 'validation_failed',
      message: '标题不能为空',
    })

    const report = await engine.flush(USER)

    expect(report).toEqual({ sent: 0, rejected: 1 })
    const [item] = await outbox.items(USER)
    expect(item.state).toBe('rejected')
    await outbox.retry(item.client_id)
    expect((await engine.flush(USER)).sent).toBe(1)
  })
})

describe('resolvePhotos', () => {
  it('replaces photo references deep inside the body', () => {
    const photos = new Map([
      ['a', { id: 'a', file_id: 5, sha256: 'h', taken_at: 't' } as StoredPhoto],
    ])

    expect(
      resolvePhotos(
        { x: [{ $photo: 'a' }], y: { z: { $photo: 'a' } }, n: 1 },
        photos,
      ),
    ).toEqual({
      x: [{ file_id: 5, sha256: 'h', taken_at: 't' }],
      y: { z: { file_id: 5, sha256: 'h', taken_at: 't' } },
      n: 1,
    })
  })
})

describe('backoffMs', () => {
  it('doubles from 2 s and stops growing at 5 minutes', () => {
    const middle = () => 0.5

    expect([1, 2, 3, 4].map((n) => backoffMs(n, middle))).toEqual([
      2000, 4000, 8000, 16000,
    ])
    expect(backoffMs(20, middle)).toBe(300000)
  })
})
