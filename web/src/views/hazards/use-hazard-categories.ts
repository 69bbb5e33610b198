/** The hazard category dictionary, loaded once per page. */
import { shallowRef } from 'vue'

import { listHazardCategories, type HazardCategory } from '@/api/hazards'
import { useApiError } from '@/composables/use-api-error'

export function useHazardCategories() {
  const categories = shallowRef<HazardCategory[]>([])
  const { showError } = useApiError()

  async function reload(): Promise<void> {
    try {
      categories.value = await listHazardCategories()
    } catch (error) {
      showError(error)
    }
  }

  return { categories, reload }
}
