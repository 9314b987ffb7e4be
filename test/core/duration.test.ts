import { describe, expect, it } from 'vitest';
import { pacedDuration, pacedSeconds, secondsLeft } from '../../src/core/apply/duration.js';

const ACCESSPLANIT = { perSecond: 5000 / 3600, burst: 500 };

describe('how long pacing makes a run', () => {
  it('3,000 writes at 5,000/h after a burst of 500: 2,500 paced, 30 min', () => {
    expect(pacedSeconds(3000, { perSecond: ACCESSPLANIT.perSecond, available: 500 })).toBeCloseTo(1800, 6);
    expect(pacedDuration(3000, ACCESSPLANIT)).toBeCloseTo(1800, 6);
    // The plan's own reads took a token: one request more waits.
    expect(pacedDuration(3000, { ...ACCESSPLANIT, available: 499.4 })).toBeCloseTo(1800.72, 6);
  });

  it('says nothing when pacing does not bind: within the burst, or paced for less than the threshold', () => {
    expect(pacedDuration(500, ACCESSPLANIT)).toBeUndefined();
    expect(pacedDuration(583, ACCESSPLANIT)).toBeUndefined(); // 83 paced: 59.76 s
    expect(pacedDuration(584, ACCESSPLANIT)).toBeCloseTo(60.48, 6);
    expect(pacedDuration(10_000, undefined)).toBeUndefined();
    expect(pacedDuration(100, { perSecond: 1, burst: 10 }, 30)).toBe(90);
  });

  it('the time left: the rate seen, or the pacing when it is longer (the burst makes the first rate look fast)', () => {
    // 600 of 3,000 done at 40/s in the burst; 0 tokens left: 2,400 at 1.39/s.
    expect(secondsLeft(2400, 40, { perSecond: ACCESSPLANIT.perSecond, available: 0 })).toBeCloseTo(1728, 6);
    // Not paced: what the rate says.
    expect(secondsLeft(100, 20)).toBe(5);
    expect(secondsLeft(100, 20, { perSecond: 10, available: 500 })).toBe(5);
    expect(secondsLeft(0, 0)).toBe(0);
    expect(secondsLeft(10, 0)).toBeUndefined();
  });
});
