import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import {
  ApiError,
  apiUrl,
  fetchAll,
  onUnauthenticated,
  readCookie,
  request,
} from './client'

function answer(status: number, body?: unknown): Response {
  const text = body === undefined ? null : JSON.stringify(body)
  return new Response(text, {
    status,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
  })
}

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    const cookies = 'a=1; anxun_csrf=x%2By; b=2'

    expect(readCookie(cookies, 'anxun_csrf')).toBe('x+y')
    expect(readCookie(cookies, 'missing')).toBeUndefined()
  })
})

describe('apiUrl', () => {
  it('prefixes the API base and leaves out empty values', () => {
    const url = apiUrl('/points', { q: '', page: 2, active: false, x: null })

    expect(url).toBe('/api/v1/points?page=2&active=false')
  })
})

describe('request', () => {
  const fetchMock = vi.fn<typeof fetch>()

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
    vi.stubGlobal('document', { cookie: 'anxun_csrf=token-1' })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    fetchMock.mockReset()
  })

  it('sends the CSRF header on changes only', async () => {
    fetchMock.mockImplementation(async () => answer(200, { ok: true }))

    await request('GET', '/me')
    await request('PATCH', '/areas/1', { body: { name: 'x' } })

    const [, get] = fetchMock.mock.calls[0]!
    const [, patch] = fetchMock.mock.calls[1]!
    expect(get?.headers).not.toHaveProperty('X-CSRF-Token')
    expect(patch?.headers).toMatchObject({
      'X-CSRF-Token': 'token-1',
      'Content-Type': 'application/json',
    })
    expect(patch?.body).toBe('{"name":"x"}')
  })

  it('turns the error body into an ApiError with field messages', async () => {
    fetchMock.mockResolvedValue(
      answer(400, {
        error: {
          code: 'validation_failed',
          message: 'bad',
          details: { fields: { name: '不能为空' } },
          request_id: 'r1',
        },
      }),
    )

    const error = await request('POST', '/areas').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' })
    expect((error as ApiError).fields).toEqual({ name: '不能为空' })
    expect((error as ApiError).requestId).toBe('r1')
  })

  it('reports a body that is not the error format by its status', async () => {
    fetchMock.mockResolvedValue(new Response('<html>', { status: 502 }))

    const error = await request('GET', '/me').catch((e: unknown) => e)

    expect(error).toMatchObject({ status: 502, code: 'http_502' })
  })

  it('calls the handler when the session is gone', async () => {
    const handler = vi.fn()
    onUnauthenticated(handler)
    fetchMock.mockResolvedValue(
      answer(401, { error: { code: 'unauthenticated', message: '' } }),
    )

    await request('GET', '/me').catch(() => undefined)

    expect(handler).toHaveBeenCalledOnce()
  })

  it('fetchAll walks the pages until the total is reached', async () => {
    fetchMock
      .mockResolvedValueOnce(answer(200, { items: [1, 2], total: 3 }))
      .mockResolvedValueOnce(answer(200, { items: [3], total: 3 }))

    const items = await fetchAll<number>('/org-units')

    expect(items).toEqual([1, 2, 3])
    expect(String(fetchMock.mock.calls[1]![0])).toContain('page=2')
  })
})
