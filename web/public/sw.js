// The field application's service worker: keeps the app shell so the phone
// view opens without a network. Pages are fetched from the network first
// (a fresh deployment wins) and fall back to the cached shell; the hashed
// build assets never change, so they are served from the cache once seen.
// The API is never cached here: the app keeps its own data in IndexedDB.
const CACHE = 'anxun-shell-v1'
const SHELL = '/index.html'

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([SHELL, '/manifest.webmanifest']))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  )
})

async function fromNetwork(request, fallback) {
  try {
    const response = await fetch(request)
    if (response.ok) {
      const cache = await caches.open(CACHE)
      await cache.put(fallback ?? request, response.clone())
    }
    return response
  } catch (error) {
    const cached = await caches.match(fallback ?? request)
    if (cached) return cached
    throw error
  }
}

async function fromCache(request) {
  const cached = await caches.match(request)
  return cached ?? fromNetwork(request)
}

// The page names the assets it loaded before this worker controlled it.
self.addEventListener('message', (event) => {
  const { type, urls } = event.data ?? {}
  if (type !== 'cache-assets' || !Array.isArray(urls)) return
  const own = urls.filter((u) => {
    const url = new URL(u, self.location.origin)
    return (
      url.origin === self.location.origin && url.pathname.startsWith('/assets/')
    )
  })
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all(
          own.map(
            async (u) =>
              (await cache.match(u)) ?? cache.add(u).catch(() => undefined),
          ),
        ),
      ),
  )
})

self.addEventListener('fetch', (event) => {
  const { request } = event
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/')) return
  if (request.mode === 'navigate') {
    event.respondWith(fromNetwork(request, SHELL))
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(fromCache(request))
  } else if (
    url.pathname.startsWith('/icons/') ||
    url.pathname === '/manifest.webmanifest'
  ) {
    event.respondWith(fromNetwork(request))
  }
})
