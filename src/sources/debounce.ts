/**
 * A bounded debounce: bursts of changes become one rebuild, and a steady stream of changes
 * cannot postpone the rebuild for longer than `maxMs`.
 */

/** A debouncer created by {@link createDebouncer}. */
export interface Debouncer {
  /** Records a change; the action runs `quietMs` after the last poke, at most `maxMs` after the first. */
  poke(): void;
  /** Drops a pending run. */
  cancel(): void;
}

/** Creates a debouncer that runs `action` once per burst of pokes. */
export function createDebouncer(quietMs: number, maxMs: number, action: () => void): Debouncer {
  let timer: NodeJS.Timeout | null = null;
  let firstPokeAt = 0;
  const fire = (): void => {
    timer = null;
    action();
  };
  return {
    poke() {
      const now = Date.now();
      if (timer === null) firstPokeAt = now;
      else clearTimeout(timer);
      const wait = Math.max(0, Math.min(quietMs, firstPokeAt + maxMs - now));
      timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
