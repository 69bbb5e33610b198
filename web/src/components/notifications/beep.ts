/**
 * The alarm sound of pop-ups, made with the Web Audio API (no audio files):
 * three short tones for a major alarm, two for a serious one, one otherwise.
 * Browsers keep audio locked until the first click on the page, so the
 * context is created or resumed on the first user gesture.
 */
let context: AudioContext | null = null

function audio(): AudioContext | null {
  try {
    context ??= new AudioContext()
    if (context.state === 'suspended') context.resume().catch(() => undefined)
    return context
  } catch {
    return null
  }
}

/** Unlocks audio on the first click or key press of the page. */
export function unlockAudioOnGesture(): void {
  const unlock = () => {
    audio()
    window.removeEventListener('pointerdown', unlock)
    window.removeEventListener('keydown', unlock)
  }
  window.addEventListener('pointerdown', unlock)
  window.addEventListener('keydown', unlock)
}

const TONES: Record<string, number> = { major: 3, serious: 2 }

/** Plays the alarm for `level`; silent when the browser refuses audio. */
export function beep(level: string): void {
  const ctx = audio()
  if (!ctx) return
  const count = TONES[level] ?? 1
  for (let i = 0; i < count; i++) {
    const start = ctx.currentTime + i * 0.28
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.type = 'square'
    osc.frequency.value = level === 'major' ? 1046 : 880
    gain.gain.setValueAtTime(0.0001, start)
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2)
    osc.connect(gain).connect(ctx.destination)
    osc.start(start)
    osc.stop(start + 0.22)
  }
}
