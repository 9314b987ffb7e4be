import { describe, expect, it } from 'vitest';
import { RecentRate } from '../../src/cli/progress.js';
import { durationText, pacedLine, progressText, rateText } from '../../src/cli/render/pacing.js';

describe('pacing in words', () => {
  it('a rate in the unit that makes it whole, a duration rounded as people say it', () => {
    expect(rateText(5000 / 3600)).toBe('5,000/h');
    expect(rateText(2)).toBe('2/s');
    expect(rateText(0.5)).toBe('30/min');
    expect([durationText(40), durationText(100), durationText(1800), durationText(7500)]).toEqual(['about 40 s', 'about 2 min', 'about 30 min', 'about 2 h 5 min']);
    expect(pacedLine(1800, { perSecond: 5000 / 3600, burst: 500 })).toBe('paced at 5,000/h after a burst of 500: about 30 min');
  });

  it('a progress line: done, failed, rate, time left, and whether the platform’s limit holds it back', () => {
    expect(progressText({ done: 520, total: 3000, failed: 1, perSecond: 1.39, secondsLeft: 1785, paced: true })).toBe('520/3,000 done, 1 failed, 1.4/s, about 30 min left, paced by the platform’s limit');
    expect(progressText({ done: 30, total: 60, failed: 0, perSecond: 20, secondsLeft: 1.5, paced: false })).toBe('30/60 done, 0 failed, 20.0/s, about 2 s left');
    expect(progressText({ done: 60, total: 60, failed: 0, perSecond: 20, secondsLeft: 0, paced: false })).toBe('60/60 done, 0 failed, 20.0/s');
  });
});

describe('the rate a paced apply shows', () => {
  it('is what it does now: after a burst of 500 in 10 s, 1.4 writes a second — not the mean since the start', () => {
    let now = 0;
    const rate = new RecentRate(() => now);
    let done = 0;
    for (; done < 500; done++, now += 20) rate.perSecond(done);
    // Then a write every 0.72 s (5,000 an hour) for a minute, asked at each write as the apply does.
    for (let i = 0; i < 84; i++, now += 720) rate.perSecond(++done);
    expect(rate.perSecond(done)).toBeGreaterThan(1.2);
    expect(rate.perSecond(done)).toBeLessThan(1.6);
  });

  it('is the mean since the start until a window has passed, and holds when asked seldom (off a terminal)', () => {
    let now = 0;
    const rate = new RecentRate(() => now);
    now = 2000;
    expect(rate.perSecond(40)).toBe(20);
    now = 32_000; // the next line half a minute later: 30 writes in 30 s
    expect(rate.perSecond(70)).toBe(1);
    now = 62_000;
    expect(rate.perSecond(130)).toBe(2);
  });

  it('off a terminal, asked once in half a minute but told of every write: the rate of the last 20 s, not since the burst', () => {
    let now = 0;
    const rate = new RecentRate(() => now);
    let done = 0;
    for (; done < 500; done++, now += 1) rate.note(done); // the burst: half a second
    for (let i = 0; i < 42; i++, now += 720) rate.note(++done); // then 5,000 an hour for 30 s
    expect(rate.perSecond(done)).toBeCloseTo(1.39, 1);
  });
});
