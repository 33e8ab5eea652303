// The sweep's progress line: the run's stage and step, its measured time left counted down to now, and
// the sweep's, which prices later runs at the rates measured so far; printed once a second.
import { describe, expect, it } from 'vitest';
import { addWork, mergeRates, progressLine, stderrProgress, type ProgressState } from '../../../src/cli/sweep/progress';
import type { RunProgress } from '../../../src/analysis/eta';

const progress: RunProgress = {
  stage: 'sft',
  activity: 'training',
  step: 60,
  total: 390,
  stageStart: 0,
  stageSteps: 240,
  secondsLeft: 190,
  untimed: [],
  rates: { sft: { step: 0.5, evaluation: 4 }, rl: { step: 6, evaluation: 20 } },
  at: 10_000,
};
const state: ProgressState = {
  runIndex: 1,
  runCount: 6,
  runName: 'Scarce data · N = 8 · seed 2',
  runSeconds: 12,
  progress,
  later: {},
  known: {},
};

describe('progressLine', () => {
  it('names the stage and step, and counts both times left down to now', () => {
    // Later runs: 240 SFT steps (0.5 s), 5 evaluations (4 s), 150 RL steps (6 s), 11 evaluations (20 s): 120 + 20 + 900 + 220 = 1,260 s, and 190 s of this run.
    const later = { sft: { steps: 240, evaluations: 5 }, rl: { steps: 150, evaluations: 11 } };
    expect(progressLine({ ...state, later })).toBe(
      'run 2/6 [###.................] SFT 60/240 · step 60/390, 12s, about 3m10s left; sweep: about 24m10s left · Scarce data · N = 8 · seed 2',
    );
    expect(progressLine({ ...state, later }, 20_000)).toBe(
      'run 2/6 [###.................] SFT 60/240 · step 60/390, 22s, about 3m00s left; sweep: about 24m00s left · Scarce data · N = 8 · seed 2',
    );
  });

  it("is a lower bound naming the work no run has timed yet, and uses earlier runs' rates", () => {
    const first = {
      ...progress,
      secondsLeft: 78,
      untimed: ['RL steps', 'RL evaluations'],
      rates: { sft: { step: 0.5, evaluation: 4 } },
    };
    const later = { rl: { steps: 10, evaluations: 1 } };
    expect(progressLine({ ...state, progress: first, later })).toContain(
      'at least 1m18s left (RL steps, RL evaluations not timed yet); sweep: at least 1m18s left (RL steps, RL evaluations not timed yet)',
    );
    expect(progressLine({ ...state, progress: first, later, known: { rl: { step: 6, evaluation: 20 } } })).toContain(
      'sweep: at least 2m38s left (RL steps, RL evaluations not timed yet)',
    ); // 78 + 10 x 6 + 20
  });

  it('adds work and lays fresh rates over known ones', () => {
    expect(
      addWork(
        { sft: { steps: 1, evaluations: 2 } },
        { sft: { steps: 3, evaluations: 4 }, rl: { steps: 5, evaluations: 6 } },
      ),
    ).toEqual({ sft: { steps: 4, evaluations: 6 }, rl: { steps: 5, evaluations: 6 } });
    expect(mergeRates({ sft: { step: 1, evaluation: 2 }, rl: { step: 9 } }, { sft: { step: 0.5 } })).toEqual({
      sft: { step: 0.5, evaluation: 2 },
      rl: { step: 9 },
    });
  });
});

describe('stderrProgress', () => {
  it('prints at most one line a second to a log file, and a note on its own line', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const sink = stderrProgress(stream, 60_000);
    sink.update(state);
    sink.update({ ...state, progress: { ...progress, step: 61 } }); // within the interval: not printed
    sink.note('completed run');
    expect(lines.map((l) => l.slice(0, 41))).toEqual(['run 2/6 [###.................] SFT 60/240', 'completed run\n']);
  });
});
