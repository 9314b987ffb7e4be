/** Request counters per platform, endpoint, method and status: what tests and benchmarks assert on. */
export interface StatEntry {
  platform: string;
  endpoint: string;
  method: string;
  status: number;
  count: number;
}

export interface StatsSnapshot {
  total: number;
  entries: StatEntry[];
}

export class Stats {
  private readonly counts = new Map<string, StatEntry>();

  record(platform: string, endpoint: string, method: string, status: number): void {
    const key = `${platform} ${endpoint} ${method} ${status}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { platform, endpoint, method, status, count: 1 });
  }

  snapshot(): StatsSnapshot {
    const entries = [...this.counts.values()].map((e) => ({ ...e }));
    entries.sort((a, b) => a.platform.localeCompare(b.platform) || a.endpoint.localeCompare(b.endpoint) || a.method.localeCompare(b.method) || a.status - b.status);
    return { total: entries.reduce((n, e) => n + e.count, 0), entries };
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Sums the entries matching a filter, e.g. every write to accessplanit: count(s, {platform: 'accessplanit', method: ['POST','PUT','DELETE']}). */
export function countRequests(snapshot: StatsSnapshot, filter: { platform?: string; endpoint?: string; method?: string | string[]; status?: number }): number {
  const methods = filter.method === undefined ? undefined : Array.isArray(filter.method) ? filter.method : [filter.method];
  return snapshot.entries
    .filter((e) => (filter.platform === undefined || e.platform === filter.platform) && (filter.endpoint === undefined || e.endpoint === filter.endpoint) && (!methods || methods.includes(e.method)) && (filter.status === undefined || e.status === filter.status))
    .reduce((n, e) => n + e.count, 0);
}
