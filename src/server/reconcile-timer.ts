/**
 * Runs the reconcile at start and then every interval, one round at a time: the next round is
 * scheduled when the previous one has finished, so a slow round never overlaps the next.
 * Stopping waits for a round in flight, so the store is not closed under it.
 */
export class ReconcileTimer {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the first round now; does nothing when the interval is 0 (reconcile turned off). */
  start(): void {
    if (this.intervalMs <= 0 || this.stopped) return;
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }

  private tick(): void {
    this.timer = null;
    this.round = this.run()
      .then(() => undefined, this.onError)
      .finally(() => {
        this.round = null;
        if (this.stopped) return;
        this.timer = setTimeout(() => this.tick(), this.intervalMs);
        // The server's socket keeps the process alive; this timer alone must not.
        this.timer.unref();
      });
  }
}
