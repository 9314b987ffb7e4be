/**
 * Runs tasks that share a key one after another, in the order they were asked for; tasks with
 * different keys run side by side. For read-modify-write on one remote resource (a SCIM group
 * replaced with PUT): two interleaved copies would each drop the other's change.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
