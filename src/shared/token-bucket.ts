/**
 * A token bucket: `rate` requests per second on average, bursts of up to `burst`. A long run paces
 * itself under a platform's limit instead of bouncing off 429s. `take()` waits for a token.
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

  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
      this.at = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(((1 - this.tokens) / this.rate) * 1000);
    }
  }
}

/** Parses "5000/h", "10/s", "600/min" into requests per second. */
export function parseRate(spec: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/i.exec(spec);
  if (!m) return undefined;
  const per = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 }[m[2]!.toLowerCase() as 's'];
  return Number(m[1]) / per;
}
