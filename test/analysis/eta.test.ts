// The time-left arithmetic, with hand-counted steps and evaluations: a 240-step SFT (evaluations every
// 50 steps, at 0, 50, ..., 200; its closing one is RL's opening at 240) then 150 RL steps (every 15).
import { describe, expect, it } from 'vitest';
import { duration, etaPlan, etaText, progressWhere, secondsFor, StageClock, workLeft } from '../../src/analysis/eta';

const plan = etaPlan({
  cpt: { steps: 0 },
  sft: { steps: 240, evalEvery: 50 },
  rl: { steps: 150, evalEvery: 15 },
} as Parameters<typeof etaPlan>[0]);

describe('workLeft', () => {
  it('counts the steps and evaluations each stage has left', () => {
    expect(plan).toEqual([
      { name: 'sft', start: 0, steps: 240, evalEvery: 50, evalAtEnd: false },
      { name: 'rl', start: 240, steps: 150, evalEvery: 15, evalAtEnd: true },
    ]);
    // Step 0, SFT's opening evaluation running: it and those at 50, 100, 150, 200; RL's at 240 (its opening), 255, ..., 390.
    expect(workLeft(plan, 0, 'sft', true)).toEqual({
      sft: { steps: 240, evaluations: 5 },
      rl: { steps: 150, evaluations: 11 },
    });
    expect(workLeft(plan, 100, 'sft', false)).toEqual({
      sft: { steps: 140, evaluations: 2 },
      rl: { steps: 150, evaluations: 11 },
    });
    expect(workLeft(plan, 240, 'sft', false)).toEqual({ rl: { steps: 150, evaluations: 11 } }); // SFT done, RL's opening still to do
    expect(workLeft(plan, 240, 'rl', true)).toEqual({ rl: { steps: 150, evaluations: 11 } });
    expect(workLeft(plan, 250, 'rl', false)).toEqual({ rl: { steps: 140, evaluations: 10 } });
    expect(workLeft(plan, 390, 'rl', true)).toEqual({ rl: { steps: 0, evaluations: 1 } });
    expect(workLeft(plan, 390, 'rl', false)).toEqual({});
  });

  it('counts a closing evaluation off the interval, and none for CPT', () => {
    const solo = etaPlan({
      cpt: { steps: 20 },
      sft: { steps: 240, evalEvery: 50 },
      rl: { steps: 0, evalEvery: 15 },
    } as Parameters<typeof etaPlan>[0]);
    expect(solo.map((s) => [s.name, s.start, s.evalAtEnd])).toEqual([
      ['cpt', 0, false],
      ['sft', 20, true],
    ]);
    // At step 220 (SFT local 200), its evaluation there running: it, and the closing one at local 240.
    expect(workLeft(solo, 220, 'sft', true)).toEqual({ sft: { steps: 40, evaluations: 2 } });
    expect(workLeft(solo, 10, 'cpt', false)).toEqual({
      cpt: { steps: 10, evaluations: 0 },
      sft: { steps: 240, evaluations: 6 },
    });
  });
});

describe('secondsFor and StageClock', () => {
  it('times steps and evaluations per stage, and names the work not timed yet', () => {
    const clock = new StageClock();
    clock.steps('sft', 1, 0.6);
    clock.steps('sft', 3, 1.4); // 2 s over 4 steps: 0.5 s each
    clock.evaluation('sft', 3);
    clock.evaluation('sft', 5); // 4 s each
    expect(clock.rates()).toEqual({ sft: { step: 0.5, evaluation: 4 } });
    // Step 100: 140 SFT steps x 0.5 + 2 evaluations x 4 = 78 s; RL not timed.
    expect(secondsFor(workLeft(plan, 100, 'sft', false), clock.rates())).toEqual({
      seconds: 78,
      untimed: ['RL steps', 'RL evaluations'],
    });
    clock.steps('rl', 2, 12);
    clock.evaluation('rl', 20);
    // Step 250: 140 RL steps x 6 + 10 evaluations x 20 = 1,040 s.
    expect(secondsFor(workLeft(plan, 250, 'rl', false), clock.rates())).toEqual({ seconds: 1040, untimed: [] });
  });
});

describe('progress text', () => {
  it('counts down from the estimate and says when it is a lower bound', () => {
    expect(etaText({ secondsLeft: 190, untimed: [], at: 1000 }, 1000)).toBe('about 3m10s left');
    expect(etaText({ secondsLeft: 190, untimed: [], at: 1000 }, 11_000)).toBe('about 3m00s left');
    expect(etaText({ secondsLeft: 5, untimed: [], at: 0 }, 60_000)).toBe('about 0s left');
    expect(etaText({ secondsLeft: 78, untimed: ['RL steps', 'RL evaluations'], at: 0 }, 0)).toBe(
      'at least 1m18s left (RL steps, RL evaluations not timed yet)',
    );
    expect(etaText({ secondsLeft: 0, untimed: ['SFT steps'], at: 0 }, 0)).toBe('time left: after the first step');
    expect(duration(3900)).toBe('1h05m');
  });

  it('names the stage, its own step and the run step, and how long an evaluation has run', () => {
    const p = {
      stage: 'sft',
      activity: 'training',
      step: 12,
      total: 390,
      stageStart: 0,
      stageSteps: 240,
      at: 5000,
    } as const;
    expect(progressWhere(p)).toBe('SFT 12/240 · step 12/390');
    const evaluating = {
      ...p,
      stage: 'rl',
      activity: 'evaluating',
      step: 240,
      stageStart: 240,
      stageSteps: 150,
    } as const;
    expect(progressWhere(evaluating)).toBe('RL evaluating · step 240/390');
    expect(progressWhere(evaluating, 17_000)).toBe('RL evaluating for 12s · step 240/390'); // 12 s since the evaluation began
  });
});
