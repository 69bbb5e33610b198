/**
 * Where the notification socket resumes from. Ids are sequence numbers, but
 * with several servers a lower id can be committed just after a higher one;
 * so the cursor sent in "hello" only moves past an id SETTLE_MS after it
 * arrived, and ids above it that arrived already are recognised and dropped.
 */
export const SETTLE_MS = 10_000

export interface CursorSnapshot {
  seq: number
  settled: number
  recent: [number, number][]
}

export class PushCursor {
  /** The highest id received. */
  seq = 0
  /** Every id at or below this one was received or will never come. */
  settled = 0
  private recent = new Map<number, number>()

  static from(snapshot: CursorSnapshot | null | undefined): PushCursor {
    const cursor = new PushCursor()
    if (!snapshot) return cursor
    cursor.seq = snapshot.seq
    cursor.settled = snapshot.settled
    cursor.recent = new Map(snapshot.recent)
    return cursor
  }

  snapshot(): CursorSnapshot {
    return {
      seq: this.seq,
      settled: this.settled,
      recent: [...this.recent.entries()],
    }
  }

  /** Records id `id` received at `now`; false when it was had already. */
  record(id: number, now: number): boolean {
    if (id <= this.settled || this.recent.has(id)) return false
    this.recent.set(id, now)
    this.seq = Math.max(this.seq, id)
    return true
  }

  /** The "after" of the next hello: the settled cursor. */
  after(now: number): number {
    for (const [id, at] of this.recent) {
      if (at <= now - SETTLE_MS) this.settled = Math.max(this.settled, id)
    }
    for (const id of [...this.recent.keys()]) {
      if (id <= this.settled) this.recent.delete(id)
    }
    return this.settled
  }

  /** Starts over from `latest` (after a gap or with a fresh list). */
  reset(latest: number): void {
    this.seq = latest
    this.settled = latest
    this.recent.clear()
  }
}
