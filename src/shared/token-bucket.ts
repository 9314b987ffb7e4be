/**
 * A token bucket: `rate` tokens per second on average, bursts of up to `burst`. Clients pace
 * themselves with `take()` (waits for a token) instead of bouncing off 429s; a server enforces a
 * limit with `tryTake()` (false when empty).
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = burst;
    this.at = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
  }

  /** Takes a token if one is there now. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The tokens there now (a fraction counts: the next whole one is on its way). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Waits until a token is there, then takes it — or, once `stop` is aborted, gives up waiting without one. */
  async take(stop?: AbortSignal): Promise<void> {
    while (!stop?.aborted && !this.tryTake()) await this.sleep(((1 - this.tokens) / this.rate) * 1000);
  }
}

/** Parses "5000/h", "10/s", "600/min" into requests per second. */
export function parseRate(spec: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i.exec(spec);
  if (!m) return undefined;
  const per = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 }[m[2]!.toLowerCase() as 's'];
  return Number(m[1]) / per;
}
