import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/shared/slots.js';

describe('Slots', () => {
  it('lets `size` hold at once and serves the others in the order they asked', async () => {
    const slots = new Slots(2);
    expect(slots.take()).toBe(true);
    expect(slots.take()).toBe(true);
    const served: string[] = [];
    const waits = ['a', 'b', 'c'].map((name) => (slots.take() as Promise<boolean>).then((held) => served.push(`${name}:${held}`)));
    await Promise.resolve();
    expect(served).toEqual([]);
    slots.give();
    slots.give();
    await Promise.all(waits.slice(0, 2));
    expect(served).toEqual(['a:true', 'b:true']);
    slots.give();
    await waits[2];
    expect(served).toEqual(['a:true', 'b:true', 'c:true']);
    // the two holders (b and c) give theirs back: two free again, a third waits
    slots.give();
    slots.give();
    expect(slots.take()).toBe(true);
    expect(slots.take()).toBe(true);
    expect(slots.take()).not.toBe(true);
  });

  it('passes over a waiter whose stop was aborted: it holds nothing, and the slot goes to the next', async () => {
    const slots = new Slots(1);
    expect(slots.take()).toBe(true);
    const stop = new AbortController();
    const gaveUp = slots.take(stop.signal) as Promise<boolean>;
    const next = slots.take() as Promise<boolean>;
    stop.abort();
    expect(await gaveUp).toBe(false);
    slots.give();
    expect(await next).toBe(true);
    expect(slots.take()).not.toBe(true); // the one slot is held by `next`, not lost to the one that gave up
    expect(await (slots.take(AbortSignal.abort()) as Promise<boolean>)).toBe(false);
  });
});
