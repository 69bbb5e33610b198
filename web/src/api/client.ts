/**
 * The one request client of the web application. Every page goes through it:
 * it sends the session cookie and the CSRF header, decodes JSON and turns each
 * failure into an ApiError that carries the server's error body.
 */

/** Base path of the server's JSON API. */
export const API_BASE = '/api/v1'

/** Readable cookie holding the CSRF token set by the login answer. */
export const CSRF_COOKIE = 'anxun_csrf'

/** Header that must carry the CSRF token on state-changing requests. */
export const CSRF_HEADER = 'X-CSRF-Token'

/** Per-field messages of a validation failure, keyed by request field. */
export type FieldErrors = Record<string, string>

/** A list answer of the server. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

/** Paging and sorting parameters shared by every list endpoint. */
export interface PageQuery {
  page?: number
  page_size?: number
  sort?: string
}

interface ErrorBody {
  error: {
    code: string
    message: string
    details?: Record<string, unknown>
    request_id?: string
  }
}

/** A failed request: the server's error body, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly requestId?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** Per-field messages of a validation failure; empty otherwise. */
  get fields(): FieldErrors {
    const fields = this.details.fields
    if (!fields || typeof fields !== 'object') return {}
    const result: FieldErrors = {}
    for (const [key, value] of Object.entries(fields)) {
      result[key] = String(value)
    }
    return result
  }
}

/** Returns the value of cookie `name` in a `document.cookie` string. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return undefined
}

/** Builds an API address; empty query values are left out. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const search = params.toString()
  return `${API_BASE}${path}${search ? `?${search}` : ''}`
}

function isErrorBody(data: unknown): data is ErrorBody {
  if (!data || typeof data !== 'object') return false
  const error = (data as { error?: unknown }).error
  return !!error && typeof (error as { code?: unknown }).code === 'string'
}

async function toApiError(response: Response): Promise<ApiError> {
  try {
    const data: unknown = await response.json()
    if (isErrorBody(data)) {
      const { code, message, details, request_id } = data.error
      return new ApiError(response.status, code, message, details, request_id)
    }
  } catch {
    // Not JSON (a proxy page, an empty body): fall through to the status.
  }
  const code = `http_${response.status}`
  return new ApiError(response.status, code, response.statusText || code)
}

let unauthenticatedHandler: (() => void) | undefined

/** Registers what to do when the session is gone (401 unauthenticated). */
export function onUnauthenticated(handler: () => void): void {
  unauthenticatedHandler = handler
}

interface RequestOptions {
  query?: Query
  body?: unknown
  form?: FormData
}

/** Sends one request; resolves with the decoded JSON or throws ApiError. */
export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (options.form) {
    body = options.form
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  if (method !== 'GET') {
    // Read the cookie on every request: a new login replaces the token.
    const token = readCookie(document.cookie, CSRF_COOKIE)
    if (token) headers[CSRF_HEADER] = token
  }

  let response: Response
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'network_error', 'network error')
  }

  if (!response.ok) {
    const error = await toApiError(response)
    if (error.status === 401 && error.code === 'unauthenticated') {
      unauthenticatedHandler?.()
    }
    throw error
  }
  const type = response.headers.get('Content-Type') ?? ''
  if (response.status === 204 || !type.includes('json')) {
    return undefined as T
  }
  return (await response.json()) as T
}

/** Shorthands for the HTTP methods. */
export const http = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) =>
    request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) =>
    request<T>('PATCH', path, { body }),
  upload: <T>(path: string, form: FormData) =>
    request<T>('POST', path, { form }),
}

/** Fetches every page of a list (page_size at most 200). */
export async function fetchAll<T>(path: string, query: Query = {}) {
  const items: T[] = []
  for (let page = 1; ; page++) {
    const answer = await http.get<Page<T>>(path, {
      ...query,
      page,
      page_size: 200,
    })
    items.push(...answer.items)
    if (answer.items.length === 0 || items.length >= answer.total) break
  }
  return items
}
