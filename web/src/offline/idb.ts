/**
 * A thin promise layer over IndexedDB for the field application's database:
 * the outbox of work waiting to be sent, the photos it refers to, and a cache
 * of what the inspector last saw (tasks, drafts) for use without a network.
 */

export const DB_NAME = 'anxun-field'
const DB_VERSION = 1

export const STORES = {
  outbox: 'outbox',
  photos: 'photos',
  cache: 'cache',
} as const
export type StoreName = (typeof STORES)[keyof typeof STORES]

/** Opens (and on first use creates) the database in `factory`. */
export function openDatabase(
  factory: IDBFactory = indexedDB,
  name = DB_NAME,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, DB_VERSION)
    request.onupgradeneeded = () => {
      const db = request.result
      if (!db.objectStoreNames.contains(STORES.outbox)) {
        const outbox = db.createObjectStore(STORES.outbox, {
          keyPath: 'client_id',
        })
        outbox.createIndex('by_created', 'created_at')
      }
      if (!db.objectStoreNames.contains(STORES.photos)) {
        db.createObjectStore(STORES.photos, { keyPath: 'id' })
      }
      if (!db.objectStoreNames.contains(STORES.cache)) {
        db.createObjectStore(STORES.cache)
      }
    }
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
    request.onblocked = () => reject(new Error('database upgrade blocked'))
  })
}

/** The value of one request. */
export function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

/**
 * Runs `work` in one transaction over `stores` and resolves with its value
 * once the transaction has committed (so the data is on disk), or rejects
 * when it aborted: nothing of it was written then.
 */
export function transact<T>(
  db: IDBDatabase,
  stores: StoreName[],
  mode: IDBTransactionMode,
  work: (tx: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode)
    let value: T
    let failure: unknown
    tx.oncomplete = () => (failure ? reject(failure) : resolve(value))
    tx.onerror = () => reject(tx.error ?? failure)
    tx.onabort = () => reject(tx.error ?? failure ?? new Error('aborted'))
    Promise.resolve()
      .then(() => work(tx))
      .then(
        (result) => {
          value = result
        },
        (error: unknown) => {
          failure = error
          tx.abort()
        },
      )
  })
}
