// A heartbeat over one async call: it pings every `everyMs`, and a ping left unanswered for `silentMs`
// reports silence once (a hung or dead trainer), then an answer reports it back. Timers and a clock
// only, injected for tests; no Worker or comlink here (client.ts gives it the trainer's ping).

export interface HeartbeatOptions {
  everyMs: number;
  silentMs: number;
  onSilent: (ms: number) => void;
  onAnswer: () => void;
  now?: () => number;
}

export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | null = null;
  /** When the unanswered ping was sent (null: none is out). */
  private sent: number | null = null;
  private silent = false;
  private readonly now: () => number;

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly opts: HeartbeatOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.opts.everyMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One beat: report a ping out too long, or send the next (one ping out at a time). */
  tick(): void {
    if (this.sent !== null) {
      const waited = this.now() - this.sent;
      if (!this.silent && waited >= this.opts.silentMs) {
        this.silent = true;
        this.opts.onSilent(waited);
      }
      return;
    }
    const sent = this.now();
    this.sent = sent;
    const answered = () => {
      if (this.sent !== sent) return;
      this.sent = null;
      if (this.silent) {
        this.silent = false;
        this.opts.onAnswer();
      }
    };
    this.ping().then(answered, () => undefined); // a failed ping is no answer
  }
}
