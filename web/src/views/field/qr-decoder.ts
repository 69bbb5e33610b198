/**
 * Reading QR codes with the camera or from a photo: the browser's
 * BarcodeDetector where it has one, else ZXing (loaded only when needed).
 */

interface DetectedBarcode {
  rawValue: string
}
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>
}
type BarcodeDetectorClass = (new (options: {
  formats: string[]
}) => BarcodeDetectorLike) & {
  getSupportedFormats?: () => Promise<string[]>
}

/** The native detector for QR codes, or undefined. */
async function nativeDetector(): Promise<BarcodeDetectorLike | undefined> {
  const Detector = (
    window as unknown as { BarcodeDetector?: BarcodeDetectorClass }
  ).BarcodeDetector
  if (!Detector) return undefined
  const formats = (await Detector.getSupportedFormats?.()) ?? ['qr_code']
  return formats.includes('qr_code')
    ? new Detector({ formats: ['qr_code'] })
    : undefined
}

/** Stops a running camera scan. */
export interface ScanControls {
  stop(): void
}

/**
 * Shows the back camera in `video` and calls `found` with the first code
 * read. Rejects when there is no camera or the inspector refused it.
 */
export async function scanWithCamera(
  video: HTMLVideoElement,
  found: (text: string) => void,
): Promise<ScanControls> {
  const detector = await nativeDetector()
  if (!detector) {
    const { BrowserQRCodeReader } = await import('@zxing/browser')
    const controls = await new BrowserQRCodeReader().decodeFromConstraints(
      { video: { facingMode: 'environment' } },
      video,
      (result) => result && found(result.getText()),
    )
    return { stop: () => controls.stop() }
  }

  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment' },
  })
  video.srcObject = stream
  await video.play()
  let stopped = false
  const tick = async () => {
    if (stopped) return
    const codes = await detector.detect(video).catch(() => [])
    if (codes[0]) found(codes[0].rawValue)
    else setTimeout(() => void tick(), 250)
  }
  void tick()
  return {
    stop() {
      stopped = true
      stream.getTracks().forEach((track) => track.stop())
    },
  }
}

/** The text of the QR code in a photo, or undefined when none is read. */
export async function decodePhoto(file: Blob): Promise<string | undefined> {
  const detector = await nativeDetector()
  if (detector) {
    const codes = await detector.detect(await createImageBitmap(file))
    return codes[0]?.rawValue
  }
  const { BrowserQRCodeReader } = await import('@zxing/browser')
  const url = URL.createObjectURL(file)
  try {
    return (await new BrowserQRCodeReader().decodeFromImageUrl(url)).getText()
  } catch {
    return undefined
  } finally {
    URL.revokeObjectURL(url)
  }
}
