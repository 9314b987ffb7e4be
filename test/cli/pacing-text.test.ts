import { describe, expect, it } from 'vitest';
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
