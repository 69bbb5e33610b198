/**
 * The plan editor's recurrence builder: a small form (hourly, daily, weekly or
 * monthly, with times of day) turned into an RFC 5545 RRULE and back, and the
 * plan's start as an RFC 3339 instant in its org unit's time zone.
 */

export const FREQS = ['hourly', 'daily', 'weekly', 'monthly'] as const
export type Freq = (typeof FREQS)[number]

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const
export type Weekday = (typeof WEEKDAYS)[number]

export interface RuleForm {
  freq: Freq
  interval: number
  /** Times of day "HH:mm" (not for hourly). */
  times: string[]
  /** Weekly: the days; daily: optionally only these days. */
  weekdays: Weekday[]
  /** Monthly: days of the month, -1 for the last. */
  monthdays: number[]
  /** Stop after this many occurrences. */
  count: number | null
}

export function defaultRule(): RuleForm {
  return {
    freq: 'daily',
    interval: 1,
    times: ['08:00'],
    weekdays: [],
    monthdays: [1],
    count: null,
  }
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/

/** Why the times cannot make one rule, or null. */
export function timesProblem(
  form: RuleForm,
): 'empty' | 'invalid' | 'minutes' | null {
  if (form.freq === 'hourly') return null
  if (form.times.length === 0) return 'empty'
  if (!form.times.every((time) => TIME.test(time))) return 'invalid'
  // BYHOUR × BYMINUTE is a cross product: every time must share its minutes.
  const minutes = new Set(form.times.map((time) => time.slice(3)))
  return minutes.size > 1 ? 'minutes' : null
}

const sortedNumbers = (values: number[]) =>
  [...new Set(values)].sort((a, b) => a - b)

/** The RRULE of `form`. REQUIRES: timesProblem(form) is null. */
export function buildRrule(form: RuleForm): string {
  const parts = [`FREQ=${form.freq.toUpperCase()}`]
  if (form.interval > 1) parts.push(`INTERVAL=${form.interval}`)
  const days = WEEKDAYS.filter((day) => form.weekdays.includes(day))
  if ((form.freq === 'weekly' || form.freq === 'daily') && days.length) {
    parts.push(`BYDAY=${days.join(',')}`)
  }
  if (form.freq === 'monthly' && form.monthdays.length) {
    parts.push(`BYMONTHDAY=${sortedNumbers(form.monthdays).join(',')}`)
  }
  if (form.freq !== 'hourly') {
    const hours = sortedNumbers(
      form.times.map((time) => Number(time.slice(0, 2))),
    )
    parts.push(`BYHOUR=${hours.join(',')}`)
    parts.push(`BYMINUTE=${Number(form.times[0].slice(3))}`)
  }
  if (form.count) parts.push(`COUNT=${form.count}`)
  return parts.join(';')
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The builder's form for `rrule`, or null when the rule is beyond it. */
export function parseRrule(rrule: string): RuleForm | null {
  const fields = new Map(
    rrule
      .replace(/^RRULE:/, '')
      .split(';')
      .filter(Boolean)
      .map((part) => part.split('=') as [string, string]),
  )
  const freq = fields.get('FREQ')?.toLowerCase() as Freq
  if (!FREQS.includes(freq)) return null
  const known = [
    'FREQ',
    'INTERVAL',
    'BYDAY',
    'BYMONTHDAY',
    'BYHOUR',
    'BYMINUTE',
    'BYSECOND',
    'COUNT',
  ]
  if ([...fields.keys()].some((key) => !known.includes(key))) return null

  const list = (key: string) =>
    fields.get(key)?.split(',').filter(Boolean) ?? []
  const weekdays = list('BYDAY')
  if (!weekdays.every((day) => WEEKDAYS.includes(day as Weekday))) return null
  const minute = Number(list('BYMINUTE')[0] ?? 0)
  return {
    freq,
    interval: Number(fields.get('INTERVAL') ?? 1),
    times: list('BYHOUR').map((hour) => `${pad(Number(hour))}:${pad(minute)}`),
    weekdays: weekdays as Weekday[],
    monthdays: fields.has('BYMONTHDAY') ? list('BYMONTHDAY').map(Number) : [1],
    count: fields.has('COUNT') ? Number(fields.get('COUNT')) : null,
  }
}

/** Minutes `timeZone` is ahead of UTC at the instant `utcMs`. */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs))
  const get = (type: string) =>
    Number(parts.find((p) => p.type === type)?.value)
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  )
  return Math.round((wall - utcMs) / 60000)
}

/** "2026-03-01T08:00:00+08:00": the wall time `date` `time` in `timeZone`. */
export function localInstant(
  date: string,
  time: string,
  timeZone: string,
): string {
  const [y, m, d] = date.split('-').map(Number)
  const [hh, mm] = time.split(':').map(Number)
  const wall = Date.UTC(y, m - 1, d, hh, mm)
  const offset = zoneOffsetMinutes(
    timeZone,
    wall - zoneOffsetMinutes(timeZone, wall) * 60000,
  )
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  return `${date}T${pad(hh)}:${pad(mm)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** The plan's dtstart: the start day, at the first time for hourly rules. */
export function planDtstart(
  form: RuleForm,
  startDate: string,
  timeZone: string,
): string {
  const time = form.freq === 'hourly' ? (form.times[0] ?? '00:00') : '00:00'
  return localInstant(startDate, time, timeZone)
}
