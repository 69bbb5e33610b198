/** Loads the org units in scope and arranges them as a tree. */
import { computed, ref } from 'vue'

import { listOrgUnits, type OrgUnit } from '@/api/org-units'
import { buildOrgTree } from '@/utils/org-tree'

import { useApiError } from './use-api-error'

export function useOrgUnits() {
  const units = ref<OrgUnit[]>([])
  const loading = ref(false)
  const { showError } = useApiError()

  const tree = computed(() => buildOrgTree(units.value))
  const byId = computed(() => new Map(units.value.map((u) => [u.id, u])))

  async function reload(): Promise<void> {
    loading.value = true
    try {
      units.value = await listOrgUnits()
    } catch (error) {
      showError(error)
    } finally {
      loading.value = false
    }
  }

  return { units, tree, byId, loading, reload }
}
