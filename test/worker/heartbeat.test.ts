// The page's heartbeat over the trainer: a ping left unanswered for the silent span is reported once,
// an answer after that reports it back, and pings never pile up behind a stuck one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from '../../src/worker/heartbeat';

describe('Heartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function beat(answers: { stuck: boolean }) {
    const events: string[] = [];
    let pings = 0;
    const waiting: (() => void)[] = [];
    const ping = () => {
      pings++;
      return answers.stuck ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve();
    };
    const h = new Heartbeat(ping, {
      everyMs: 1000,
      silentMs: 5000,
      now: () => Date.now(),
      onSilent: (ms) => events.push(`silent ${ms}`),
      onAnswer: () => events.push('answered'),
    });
    return { h, events, pings: () => pings, release: () => waiting.splice(0).forEach((r) => r()) };
  }

  it('stays quiet while the worker answers', async () => {
    const { h, events, pings } = beat({ stuck: false });
    h.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(events).toEqual([]);
    expect(pings()).toBe(20);
    h.stop();
  });

  it('reports a worker silent for the span once, sends no more pings meanwhile, and reports its answer', async () => {
    const answers = { stuck: true };
    const { h, events, pings, release } = beat(answers);
    h.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual([]); // the ping sent at 1 s has waited 4 s
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual(['silent 5000']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(events).toEqual(['silent 5000']);
    expect(pings()).toBe(1);
    answers.stuck = false;
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['silent 5000', 'answered']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(pings()).toBe(4);
    h.stop();
  });

  it('stops beating when stopped', async () => {
    const { h, pings } = beat({ stuck: false });
    h.start();
    await vi.advanceTimersByTimeAsync(3_000);
    h.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pings()).toBe(3);
  });
});
