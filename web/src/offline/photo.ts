/**
 * Photos taken in the field: drawn onto a canvas with a visible watermark
 * (time, point, inspector), encoded as JPEG and hashed (SHA-256) on the
 * device at once, so an old or edited picture cannot pass as new.
 */
import { newClientId, type StoredPhoto } from './outbox'

/** Longest side of a stored photo, in pixels. */
const MAX_SIDE = 1600
/** Shortest width drawn, so the watermark stays legible on tiny images. */
const MIN_WIDTH = 640

/** Lower hex SHA-256 of `bytes`; '' where the browser offers no WebCrypto. */
export async function sha256Hex(
  bytes: ArrayBuffer | Uint8Array,
): Promise<string> {
  if (!globalThis.crypto?.subtle) return ''
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource)
  return Array.from(new Uint8Array(digest), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')
}

/** The size to draw an image of w × h at: at most MAX_SIDE, at least MIN_WIDTH wide. */
export function fitSize(
  w: number,
  h: number,
): { width: number; height: number } {
  let scale = Math.min(1, MAX_SIDE / Math.max(w, h))
  if (w * scale < MIN_WIDTH) scale = MIN_WIDTH / w
  return { width: Math.round(w * scale), height: Math.round(h * scale) }
}

/** The watermark's lines, top to bottom. */
export function watermarkLines(
  at: Date,
  point: string,
  inspector: string,
): string[] {
  const pad = (n: number) => String(n).padStart(2, '0')
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  return [`${day} ${time}`, point, inspector].filter(Boolean)
}

function drawWatermark(ctx: CanvasRenderingContext2D, lines: string[]): void {
  const { width, height } = ctx.canvas
  const size = Math.max(16, Math.round(width / 32))
  const gap = Math.round(size * 0.4)
  const band = lines.length * (size + gap) + gap
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)'
  ctx.fillRect(0, height - band, width, band)
  ctx.font = `${size}px "PingFang SC", "Noto Sans CJK SC", sans-serif`
  ctx.fillStyle = '#ffffff'
  ctx.textBaseline = 'top'
  lines.forEach((line, i) => {
    ctx.fillText(
      line,
      gap,
      height - band + gap + i * (size + gap),
      width - 2 * gap,
    )
  })
}

function toJpeg(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('encoding failed'))),
      'image/jpeg',
      0.85,
    ),
  )
}

export interface WatermarkInfo {
  point: string
  inspector: string
  userId: number
}

/** Draws `file` with the watermark, hashes it and returns it ready to store. */
export async function watermarkPhoto(
  file: Blob,
  info: WatermarkInfo,
): Promise<StoredPhoto> {
  const bitmap = await createImageBitmap(file)
  const { width, height } = fitSize(bitmap.width, bitmap.height)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no canvas')
  ctx.drawImage(bitmap, 0, 0, width, height)
  bitmap.close()

  const at = new Date()
  drawWatermark(ctx, watermarkLines(at, info.point, info.inspector))
  return storable(await toJpeg(canvas), info.userId, at)
}

/** A canvas drawing (a signature) as a PNG ready to store. */
export async function canvasPhoto(
  canvas: HTMLCanvasElement,
  userId: number,
): Promise<StoredPhoto> {
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('encoding failed'))),
      'image/png',
    ),
  )
  return storable(blob, userId, new Date())
}

async function storable(
  blob: Blob,
  userId: number,
  at: Date,
): Promise<StoredPhoto> {
  const bytes = await blob.arrayBuffer()
  return {
    id: newClientId(),
    user_id: userId,
    bytes,
    type: blob.type,
    sha256: await sha256Hex(bytes),
    taken_at: at.toISOString(),
  }
}

/** A File of a stored photo, for upload. */
export function photoFile(photo: StoredPhoto): File {
  const ext = photo.type === 'image/png' ? 'png' : 'jpg'
  return new File([photo.bytes ?? new ArrayBuffer(0)], `${photo.id}.${ext}`, {
    type: photo.type,
  })
}
