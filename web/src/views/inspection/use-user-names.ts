/** Display names of users by id, for tables of plans and tasks. */
import { shallowRef } from 'vue'

import { fetchAll } from '@/api/client'
import type { User } from '@/api/users'

const users = shallowRef(new Map<number, User>())
let loaded: Promise<void> | null = null

export function useUserNames() {
  /** Loads every user once per page (without user.view the ids show). */
  function reload(): Promise<void> {
    loaded ??= fetchAll<User>('/users')
      .then((list) => {
        users.value = new Map(list.map((u) => [u.id, u]))
      })
      .catch(() => undefined)
    return loaded
  }

  const nameOf = (id: number) => users.value.get(id)?.display_name ?? `#${id}`

  return { users, reload, nameOf }
}
