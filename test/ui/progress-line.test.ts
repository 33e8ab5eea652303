// The run controls' progress words rendered to HTML (svelte/server): stage, step, the run's step and the
// measured time left counted down to the clock; "preparing" before the trainer's first report; paused says so.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'svelte/server';
import ProgressLine from '../../src/ui/run/ProgressLine.svelte';
import type { RunProgress } from '../../src/analysis/eta';

const AT = 1_800_000_000_000;
const progress: RunProgress = {
  stage: 'sft',
  activity: 'training',
  step: 12,
  total: 390,
  stageStart: 0,
  stageSteps: 240,
  secondsLeft: 190,
  untimed: [],
  rates: {},
  at: AT,
};
const words = (props: { progress: RunProgress | null; status: 'running' | 'paused' | 'queued' | 'completed' }) =>
  /data-testid="run-progress"[^>]*>([^<]*)</.exec(render(ProgressLine, { props }).body)?.[1] ?? null;

afterEach(() => vi.useRealTimers());

describe('ProgressLine', () => {
  it('says the stage, the steps and the time left at this moment', () => {
    vi.useFakeTimers();
    vi.setSystemTime(AT + 10_000); // 10 s after the trainer's estimate
    expect(words({ progress, status: 'running' })).toBe('SFT 12/240 · step 12/390 · about 3m00s left');
    expect(words({ progress: { ...progress, untimed: ['RL steps'] }, status: 'running' })).toBe(
      'SFT 12/240 · step 12/390 · at least 3m00s left (RL steps not timed yet)',
    );
    expect(words({ progress: null, status: 'running' })).toBe('preparing the data and the model…');
    expect(words({ progress, status: 'paused' })).toBe('SFT 12/240 · step 12/390 · paused');
    expect(words({ progress, status: 'completed' })).toBeNull();
  });
});
