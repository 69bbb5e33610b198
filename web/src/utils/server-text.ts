/**
 * The server writes human messages as "中文 / English". Returns the half
 * for the language in use; a message without the separator stays whole.
 */
export function serverText(message: string, locale: string): string {
  const parts = message.split(' / ')
  if (parts.length !== 2) return message
  const [zh, en] = parts as [string, string]
  return locale === 'en' ? en.trim() : zh.trim()
}
