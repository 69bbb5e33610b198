/** All areas in the caller's scope, for pickers and name look-ups. */
import { computed, shallowRef } from 'vue'

import type { Area } from '@/api/areas'
import { fetchAll } from '@/api/client'

import { useApiError } from './use-api-error'

export function useAreas() {
  const areas = shallowRef<Area[]>([])
  const { showError } = useApiError()
  const byId = computed(() => new Map(areas.value.map((a) => [a.id, a])))

  async function reload(): Promise<void> {
    try {
      areas.value = await fetchAll<Area>('/areas', { sort: 'code' })
    } catch (error) {
      showError(error)
    }
  }

  /** Areas of one org unit, active ones only unless `all`. */
  function inUnit(unitId: number | null, all = false): Area[] {
    return areas.value.filter(
      (area) => area.org_unit_id === unitId && (all || area.active),
    )
  }

  return { areas, byId, reload, inUnit }
}
