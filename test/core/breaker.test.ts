import { describe, expect, it } from 'vitest';
import { Breaker, systemic } from '../../src/core/apply/breaker.js';
import { RemoteError } from '../../src/errors.js';

const failing = { systemic: 'POST /User answered 503' };

describe('the circuit breaker over an apply', () => {
  it('trips after 10 systemic failures in a row; a success in between starts the count again', () => {
    const breaker = new Breaker();
    for (let i = 0; i < 9; i++) breaker.record(failing);
    breaker.record('ok');
    for (let i = 0; i < 9; i++) breaker.record(failing);
    expect(breaker.tripped).toBeUndefined();
    breaker.record(failing);
    expect(breaker.tripped).toBe('10 writes in a row failed (the last: POST /User answered 503)');
  });

  it('trips when half of the first 50 writes fail systemically, even never twice in a row', () => {
    const breaker = new Breaker();
    for (let i = 0; i < 24; i++) {
      breaker.record(failing);
      breaker.record('ok');
    }
    expect(breaker.tripped).toBeUndefined();
    breaker.record(failing);
    expect(breaker.tripped).toBe('25 of the first 50 writes failed (the last: POST /User answered 503)');
    // Past the first 50, only a run of failures trips it.
    const later = new Breaker();
    for (let i = 0; i < 50; i++) later.record('ok');
    for (let i = 0; i < 200; i++) later.record(i % 2 ? 'ok' : failing);
    expect(later.tripped).toBeUndefined();
  });

  it('never trips on rows the platform refuses: they stay row failures', () => {
    const breaker = new Breaker();
    for (let i = 0; i < 500; i++) breaker.record('row');
    expect(breaker.tripped).toBeUndefined();
    expect([systemic(new RemoteError('validation', 'x', 400)), systemic(new RemoteError('conflict', 'x', 409)), systemic(new RemoteError('not_found', 'x', 404))]).toEqual([false, false, false]);
    expect([systemic(new RemoteError('unavailable', 'x', 503)), systemic(new RemoteError('rate_limited', 'x', 429)), systemic(new RemoteError('outcome_unknown', 'x', undefined))]).toEqual([true, true, true]);
  });
});
