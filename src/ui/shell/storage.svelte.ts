// How much of the browser's storage the lab uses (navigator.storage.estimate) and whether the browser
// promised to keep it (persist). Display and one request only; pruning is the worker's (store/quota).
import { fmtBytes } from '../shared/format';

export class StorageState {
  usage: number | null = $state(null);
  quota: number | null = $state(null);
  /** null: the browser cannot say (no StorageManager, e.g. an insecure page). */
  persisted: boolean | null = $state(null);
  private asked = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Read now and every `everyMs` (training writes all the time). */
  start(everyMs = 15_000): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), everyMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    const storage = globalThis.navigator?.storage;
    if (!storage?.estimate) return;
    try {
      const e = await storage.estimate();
      this.usage = e.usage ?? null;
      this.quota = e.quota ?? null;
      this.persisted = storage.persisted ? await storage.persisted() : null;
    } catch {
      // An estimate is a nicety: leave the last numbers.
    }
  }

  /** Ask once per page to keep the lab's data when the disk runs low (Firefox asks the user; Chrome decides). */
  async persist(): Promise<void> {
    const storage = globalThis.navigator?.storage;
    if (this.asked || this.persisted || !storage?.persist) return;
    this.asked = true;
    try {
      this.persisted = await storage.persist();
    } catch {
      this.persisted = false;
    }
  }

  /** "12.3 MB of 1.2 GB", or null before the first estimate. */
  get text(): string | null {
    if (this.usage === null) return null;
    return this.quota ? `${fmtBytes(this.usage)} of ${fmtBytes(this.quota)}` : fmtBytes(this.usage);
  }

  /** Share of the quota in use, 0..1 (0 when unknown). */
  get fraction(): number {
    return this.usage !== null && this.quota ? Math.min(1, this.usage / this.quota) : 0;
  }
}
