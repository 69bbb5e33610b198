/**
 * Alert channels (robots, webhooks, mail of an org unit), their test button
 * and the delivery log. Secrets never come back from the server: an edit
 * sends a secret only when the user typed a new one.
 */
import { http, request, type Page, type PageQuery } from './client'

export const CHANNEL_KINDS = [
  'wecom',
  'dingtalk',
  'feishu',
  'webhook',
  'email',
] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

export const CHANNEL_LEVELS = ['major', 'serious', 'general', 'minor'] as const
export type ChannelLevel = (typeof CHANNEL_LEVELS)[number]

export const SMTP_SECURITIES = ['starttls', 'tls', 'none'] as const
export type SmtpSecurity = (typeof SMTP_SECURITIES)[number]

export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed'] as const
export type DeliveryState = (typeof DELIVERY_STATES)[number]

export interface Channel {
  id: number
  org_unit_id: number
  org_unit_name: string
  name: string
  kind: ChannelKind
  min_level: ChannelLevel
  enabled: boolean
  /** Robots and webhooks: the address with its tokens masked. */
  url_masked?: string
  has_secret: boolean
  secret_hint: string
  smtp_host?: string
  smtp_port?: number
  smtp_security?: SmtpSecurity
  smtp_username?: string
  smtp_from?: string
  email_to?: string[]
  version: number
  created_at: string
  updated_at: string
}

/** What the channel form edits; secrets start empty (= keep). */
export interface ChannelForm {
  org_unit_id: number | null
  name: string
  kind: ChannelKind
  min_level: ChannelLevel
  enabled: boolean
  url: string
  secret: string
  smtp_host: string
  smtp_port: number | null
  smtp_security: SmtpSecurity
  smtp_username: string
  smtp_password: string
  smtp_from: string
  /** Fixed recipients, one per line or separated by commas. */
  email_to: string
}

export interface TestOutcome {
  delivery_id: number
  ok: boolean
  status: number | null
  response: string
  error: string
  duration_ms: number
}

export interface Delivery {
  id: number
  notice_id: number | null
  channel_id: number
  channel_name: string
  channel_kind: ChannelKind
  org_unit_id: number
  org_unit_name: string
  alert_id: number | null
  test: boolean
  kind: string
  level: ChannelLevel
  title: string
  state: DeliveryState
  attempts: number
  round_attempts: number
  next_attempt_at: string | null
  last_status: number | null
  last_response: string | null
  last_error: string | null
  sent_at: string | null
  created_at: string
  updated_at: string
}

export interface DeliveryAttempt {
  attempt: number
  started_at: string
  duration_ms: number
  ok: boolean
  status: number | null
  response: string
  error: string
}

export interface DeliveryDetail extends Delivery {
  attempts_log: DeliveryAttempt[]
}

export interface DeliveryQuery extends PageQuery {
  state?: DeliveryState
  channel_id?: number
  alert_id?: number
  test?: boolean
}

/** The port a mail server usually listens on for `security`. */
export function defaultSmtpPort(security: SmtpSecurity): number {
  if (security === 'tls') return 465
  return security === 'none' ? 25 : 587
}

export function emptyChannelForm(orgUnitId: number | null): ChannelForm {
  return {
    org_unit_id: orgUnitId,
    name: '',
    kind: 'wecom',
    min_level: 'serious',
    enabled: true,
    url: '',
    secret: '',
    smtp_host: '',
    smtp_port: 587,
    smtp_security: 'starttls',
    smtp_username: '',
    smtp_password: '',
    smtp_from: '',
    email_to: '',
  }
}

export function toChannelForm(channel: Channel): ChannelForm {
  return {
    ...emptyChannelForm(channel.org_unit_id),
    name: channel.name,
    kind: channel.kind,
    min_level: channel.min_level,
    enabled: channel.enabled,
    smtp_host: channel.smtp_host ?? '',
    smtp_port: channel.smtp_port ?? null,
    smtp_security: channel.smtp_security ?? 'starttls',
    smtp_username: channel.smtp_username ?? '',
    smtp_from: channel.smtp_from ?? '',
    email_to: (channel.email_to ?? []).join('\n'),
  }
}

/** Splits a list of addresses typed one per line or with commas. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[\s,;，；]+/)
    .map((part) => part.trim())
    .filter(Boolean)
}

/**
 * The request body for `form`. On an edit (`existing` given) an empty URL or
 * secret means "keep", so it is left out; the kind never changes.
 */
export function toChannelInput(
  form: ChannelForm,
  existing?: Channel,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    org_unit_id: form.org_unit_id,
    name: form.name.trim(),
    min_level: form.min_level,
    enabled: form.enabled,
  }
  if (existing) body.version = existing.version
  else body.kind = form.kind
  const keep = (value: string) => existing !== undefined && value === ''
  if (form.kind === 'email') {
    body.smtp_host = form.smtp_host.trim()
    body.smtp_port = form.smtp_port ?? defaultSmtpPort(form.smtp_security)
    body.smtp_security = form.smtp_security
    body.smtp_username = form.smtp_username.trim()
    body.smtp_from = form.smtp_from.trim()
    body.email_to = parseAddresses(form.email_to)
    if (!keep(form.smtp_password)) body.smtp_password = form.smtp_password
    return body
  }
  if (!keep(form.url.trim())) body.url = form.url.trim()
  if (!keep(form.secret.trim())) body.secret = form.secret.trim()
  return body
}

export function listChannels(
  query: { org_unit_id?: number; kind?: ChannelKind } = {},
) {
  return http.get<{ items: Channel[]; total: number }>('/channels', query)
}

export function createChannel(body: Record<string, unknown>) {
  return http.post<Channel>('/channels', body)
}

export function updateChannel(id: number, body: Record<string, unknown>) {
  return http.patch<Channel>(`/channels/${id}`, body)
}

export function deleteChannel(id: number) {
  return request<void>('DELETE', `/channels/${id}`)
}

/** Sends a test message now; resolves with the receiver's answer. */
export function testChannel(id: number) {
  return http.post<TestOutcome>(`/channels/${id}/test`)
}

export function listDeliveries(query: DeliveryQuery) {
  return http.get<Page<Delivery>>('/deliveries', { ...query })
}

export function getDelivery(id: number) {
  return http.get<DeliveryDetail>(`/deliveries/${id}`)
}

export function retryDelivery(id: number) {
  return http.post<DeliveryDetail>(`/deliveries/${id}/retry`)
}
