/**
 * Makes the field pages open without a network: registers the service
 * worker (public/sw.js) and hands it the build assets this page loaded, which
 * it keeps. Only in production builds (the dev server has no hashed assets).
 */
export async function keepAppShell(
  pagesLoaded: Promise<unknown>,
): Promise<void> {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return
  try {
    await navigator.serviceWorker.register('/sw.js')
    const registration = await navigator.serviceWorker.ready
    await pagesLoaded
    const urls = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => new URL(url).pathname.startsWith('/assets/'))
    registration.active?.postMessage({ type: 'cache-assets', urls })
  } catch {
    // No service worker (private mode, old browser): online use still works.
  }
}
