/** State of a paged, filtered server list bound to an el-table. */
import { ref, shallowRef } from 'vue'

import type { Page, PageQuery } from '@/api/client'

import { useApiError } from './use-api-error'

export function usePagedList<T, F extends object>(
  fetchPage: (query: F & PageQuery) => Promise<Page<T>>,
  filters: () => F,
  initialPageSize = 20,
) {
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const page = ref(1)
  const pageSize = ref(initialPageSize)
  const loading = ref(false)
  const { showError } = useApiError()

  /** Loads the current page with the current filters. */
  async function load(): Promise<void> {
    loading.value = true
    try {
      const answer = await fetchPage({
        ...filters(),
        page: page.value,
        page_size: pageSize.value,
      })
      items.value = answer.items
      total.value = answer.total
    } catch (error) {
      items.value = []
      total.value = 0
      showError(error)
    } finally {
      loading.value = false
    }
  }

  /** Goes back to the first page and loads it (after a filter change). */
  function search(): Promise<void> {
    page.value = 1
    return load()
  }

  return { items, total, page, pageSize, loading, load, search }
}
