/**
 * A task on the phone: loaded from the server when it answers, else from the
 * copy kept in IndexedDB, and merged with the work still in the outbox so a
 * point checked in offline shows as checked in.
 */
import { onUnmounted, ref, shallowRef } from 'vue'

import { ApiError } from '@/api/client'
import { getTask, type TaskDetail, type TaskPoint } from '@/api/inspection'
import { useApiError } from '@/composables/use-api-error'
import { useOutbox } from '@/offline/use-outbox'

export type PointProgress = 'todo' | 'checked_in' | 'done'

interface CachedTask {
  at: string
  task: TaskDetail
}

/** Whether `error` means the server could not be reached. */
export function isNetworkError(error: unknown): boolean {
  return (
    error instanceof ApiError && (error.status === 0 || error.status >= 502)
  )
}

export function useFieldTask(id: number) {
  const { state, cached, cache, onSent } = useOutbox()
  const { showError } = useApiError()
  const task = shallowRef<TaskDetail | null>(null)
  /** When the copy shown was saved, if it came from the device. */
  const cachedAt = ref<string | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      task.value = await getTask(id)
      cachedAt.value = null
      await cache(`task:${id}`, {
        at: new Date().toISOString(),
        task: task.value,
      })
    } catch (error) {
      const copy = isNetworkError(error)
        ? await cached<CachedTask>(`task:${id}`)
        : undefined
      if (!copy) return showError(error)
      task.value = copy.task
      cachedAt.value = copy.at
    } finally {
      loading.value = false
    }
  }

  const queued = (point: TaskPoint, kind: string) =>
    state.items.some(
      (item) =>
        item.task_id === id &&
        item.point_id === point.point_id &&
        item.kind === kind &&
        item.state === 'waiting',
    )

  /** How far the inspector got at `point`, counting queued work. */
  function progress(point: TaskPoint): PointProgress {
    const checkedIn = !!point.checked_in_at || queued(point, 'check_in')
    const answered = !!point.result_at || queued(point, 'result')
    if (checkedIn && answered) return 'done'
    return checkedIn ? 'checked_in' : 'todo'
  }

  /** Whether work at `point` still waits in the outbox. */
  const waiting = (point: TaskPoint) =>
    queued(point, 'check_in') || queued(point, 'result')

  onUnmounted(onSent(() => void load()))

  return { task, cachedAt, loading, load, progress, waiting }
}
