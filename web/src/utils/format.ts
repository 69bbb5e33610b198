/** Formatting of server values for display and back. */

const pad = (value: number) => String(value).padStart(2, '0')

/** An RFC 3339 instant as local "YYYY-MM-DD HH:mm:ss"; '' for none. */
export function formatInstant(value: string | null | undefined): string {
  if (!value) return ''
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}`
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(
    date.getSeconds(),
  )}`
  return `${day} ${time}`
}

/** A Date as the RFC 3339 UTC instant the server expects (no millis). */
export function toUtcInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A position fraction 0..1 as a percentage for display. */
export function formatFraction(value: number | null | undefined): string {
  if (value === null || value === undefined) return ''
  return `${Math.round(value * 1000) / 10}%`
}
