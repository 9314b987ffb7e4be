/**
 * At most `size` holders at once; the others wait, first come first served. A client's bound on
 * requests in flight (`--concurrency`), kept apart from how many connections its pool may open.
 */
export class Slots {
  private free: number;
  /** Who waits, in order; one that gave up (`stop` aborted) is passed over. */
  private readonly waiting: Array<{ served: () => void; gaveUp: boolean }> = [];
  private first = 0;

  constructor(size: number) {
    this.free = Math.max(1, Math.floor(size));
  }

  /**
   * A slot: true at once when one is free, else a promise of one — true once it is held, false when
   * `stop` was aborted first (then no slot is held, and none must be given back).
   */
  take(stop?: AbortSignal): true | Promise<boolean> {
    if (this.free > 0) {
      this.free--;
      return true;
    }
    if (stop?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        served: () => {
          stop?.removeEventListener('abort', onAbort);
          resolve(true);
        },
        gaveUp: false,
      };
      const onAbort = () => {
        waiter.gaveUp = true;
        resolve(false);
      };
      this.waiting.push(waiter);
      stop?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives a slot back: to the first still waiting, or to the free ones. */
  give(): void {
    while (this.first < this.waiting.length) {
      const next = this.waiting[this.first++]!;
      if (!next.gaveUp) {
        this.compact();
        next.served();
        return;
      }
    }
    this.compact();
    this.free++;
  }

  /** Waiters served are dropped from the front once they are most of the list. */
  private compact(): void {
    if (this.first === this.waiting.length) {
      this.waiting.length = 0;
      this.first = 0;
    } else if (this.first > 1024 && this.first * 2 > this.waiting.length) {
      this.waiting.splice(0, this.first);
      this.first = 0;
    }
  }
}
