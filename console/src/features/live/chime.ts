let context: AudioContext | null = null;

/**
 * A short tone made with Web Audio (nothing to download): one rising pair for a new alert, three
 * quick high notes for an escalation or a silent centre. Browsers allow sound only after the user
 * has interacted with the page; before that the call does nothing.
 */
export function chime(kind: 'alert' | 'urgent'): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    const notes = kind === 'alert' ? [660, 880] : [990, 990, 990];
    notes.forEach((frequency, i) => {
      const start = context!.currentTime + i * 0.18;
      const osc = context!.createOscillator();
      const gain = context!.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      osc.connect(gain).connect(context!.destination);
      osc.start(start);
      osc.stop(start + 0.17);
    });
  } catch {
    // No audio device: the highlight on screen still shows it.
  }
}
