/**
 * Time for the simulator. Simulated durations run `timeScale` times faster than
 * real time; timestamps stay real wall-clock epoch seconds. Every timer is tracked
 * so `dispose()` leaves no handle behind (test runners must be able to exit).
 */
export interface TimerHandle {
  cancel(): void;
}

const NO_TIMER: TimerHandle = { cancel: () => undefined };

export class SimulationClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(
    readonly timeScale: number,
    private readonly onTimerError: (error: unknown) => void = (error) => console.error('[sagemaker-simulator]', error),
  ) {
    if (!Number.isFinite(timeScale) || timeScale <= 0) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    }
  }

  /** Wall-clock epoch seconds with millisecond precision (the wire format of timestamps). */
  nowSeconds(): number {
    return Date.now() / 1000;
  }

  afterSimulatedSeconds(seconds: number, action: () => void): TimerHandle {
    return this.afterRealMilliseconds((seconds * 1000) / this.timeScale, action);
  }

  /** Real time, not scaled: used for injected latency. */
  afterRealMilliseconds(milliseconds: number, action: () => void): TimerHandle {
    if (this.disposed) return NO_TIMER;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        try {
          action();
        } catch (error) {
          this.onTimerError(error);
        }
      },
      Math.max(0, milliseconds),
    );
    this.timers.add(timer);
    return {
      cancel: () => {
        clearTimeout(timer);
        this.timers.delete(timer);
      },
    };
  }

  sleepRealMilliseconds(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      this.afterRealMilliseconds(milliseconds, resolve);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
