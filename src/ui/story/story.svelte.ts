// The story at the top of the page: the flagship preset's kept runs (fetched once), the seed shown, and
// the replay: a step cursor that a requestAnimationFrame loop moves through the RL stage in REPLAY_MS,
// each arm's phase analysis recomputed on the prefix it has reached. "Run it yourself" loads the
// shortest arm into the form and starts it. Not the drawing (StoryPanel, StoryArm).
import { analyzePhases, DEFAULT_PHASE_RULES, type PhaseSummary } from '../../analysis/phases';
import type { RunConfig } from '../../experiment/run-config';
import { presetRuns, type PresetArm } from '../../experiment/presets';
import type { Columns } from '../shared/chart-columns';
import { fetchKeptRuns, type KeptFetch } from '../gallery/findings.svelte';
import { errorMessage } from '../../util/errors';
import type { StoryBase } from './story-base';
import {
  flagship,
  prefixLength,
  replayWindow,
  shortestArm,
  snapStep,
  storyColumns,
  storyRuns,
  uniqueSorted,
  type StoryRun,
} from './story-data';

/** A whole run replays in 15 s: long enough to watch the shading move, short enough for a class. */
export const REPLAY_MS = 15_000;

export type StoryStatus = 'loading' | 'ready' | 'missing' | 'error';

/** What one arm's chart shows at the replay's step. */
export interface ArmView {
  arm: PresetArm;
  run: StoryRun | null;
  /** Rows of the run at or before the shown step. */
  shownRows: number;
  columns: Columns;
  summary: PhaseSummary | null;
}

type Refusal = { field: string; message: string } | null;

/** The parts of the page "Run it yourself" drives (ConfigState and LabState satisfy them). */
export interface StoryTargets {
  config: {
    readonly draft: Pick<RunConfig, 'backend'>;
    load(config: RunConfig): void;
    validateNow(): RunConfig | null;
    showError(e: { field: string; message: string }): void;
    notice: string | null;
  };
  lab: {
    start(config: RunConfig, name: string): Promise<Refusal>;
    forkRun(runId: string, step: number, config: RunConfig, name: string): Promise<Refusal>;
  };
  /** Our SFT model of the preset for a seed, in the library (loadStoryBase); absent: every run trains from step 0. */
  base?: (presetId: string, seed: number) => Promise<StoryBase>;
}

const EMPTY: Columns = [[]];

export class StoryState {
  readonly preset = flagship();
  status: StoryStatus = $state('loading');
  /** Why there is nothing to replay (missing or unreadable file); null when the runs are shown. */
  message: string | null = $state(null);
  runs: StoryRun[] = $state.raw([]);
  seed = $state(1);
  /** The replay's position in steps (fractional while playing); null: the whole run. */
  cursor: number | null = $state(null);
  playing = $state(false);
  /** The user asked for less motion: the step slider replaces the animated replay. */
  reducedMotion = $state(false);
  /** The run "Run it yourself" started last (its name), for the story to point at. */
  started: string | null = $state(null);
  /** "Run it yourself" is fetching our SFT model or starting the run. */
  starting = $state(false);

  readonly seeds = $derived(uniqueSorted(this.runs.map((r) => r.seed)));
  private readonly shown = $derived(
    this.preset.arms.map((arm) => ({
      arm,
      run: this.runs.find((r) => r.armId === arm.id && r.seed === this.seed) ?? null,
    })),
  );
  readonly window = $derived(replayWindow(this.shown.flatMap((s) => (s.run ? [s.run] : []))));
  /** Every step a shown run logged inside the window, sorted: the replay shows one more row at each. */
  private readonly steps = $derived.by(() => {
    const w = this.window;
    if (!w) return [];
    const all = this.shown.flatMap((s) => s.run?.rows.map((r) => r.step) ?? []);
    return uniqueSorted(all.filter((s) => s >= w.from && s <= w.to));
  });
  /** The logged step the charts show up to: a number, so a frame that reaches no new row recomputes nothing below. */
  readonly at = $derived(
    this.cursor === null || !this.window
      ? (this.window?.to ?? 0)
      : (snapStep(this.steps, this.cursor) ?? this.window.from),
  );

  private memo: { runs: StoryRun[]; seed: number; at: number; arms: ArmView[] } | null = null;
  private frame = 0;
  private startedAt = 0;
  private motion: MediaQueryList | null = null;

  constructor(private readonly targets: StoryTargets) {}

  /** Follow prefers-reduced-motion, then fetch the runs. */
  init(): Promise<void> {
    this.motion = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)') ?? null;
    this.motion?.addEventListener('change', this.onMotion);
    this.onMotion();
    return this.load();
  }

  private onMotion = (): void => {
    this.reducedMotion = this.motion?.matches ?? false;
    if (this.reducedMotion) this.pause();
  };

  /**
   * Each arm at the shown step: recomputed when the runs, the seed or the shown step change (once per
   * logged step in a replay), never per frame. Cached by hand, so this holds however the class is compiled.
   */
  get arms(): ArmView[] {
    const { runs, seed, at } = this;
    const m = this.memo;
    if (m && m.runs === runs && m.seed === seed && m.at === at) return m.arms;
    const arms = this.shown.map(({ arm, run }) => this.view(arm, run, at));
    this.memo = { runs, seed, at, arms };
    return arms;
  }

  /** Fetch the flagship's kept runs once; a missing or bad file leaves a message and the question. */
  async load(): Promise<void> {
    const file = `findings/runs/${this.preset.id}.json.gz`;
    let fetched: KeptFetch;
    try {
      fetched = await fetchKeptRuns(this.preset.id);
    } catch (err) {
      return this.fail('error', `${file} could not be read (${errorMessage(err)})`); // e.g. the connection dropped mid-file
    }
    if (!fetched.ok) return this.fail(fetched.missing ? 'missing' : 'error', fetched.error);
    const read = storyRuns(fetched.runs);
    if (!read.ok) return this.fail('error', `${file}: ${read.error}`);
    if (read.runs.length === 0) return this.fail('missing', `${file} holds no runs yet`);
    this.runs = read.runs;
    const seeds = uniqueSorted(read.runs.map((r) => r.seed));
    this.seed = seeds.includes(1) ? 1 : seeds[0]!;
    this.status = 'ready';
    this.message = null;
  }

  private fail(status: 'missing' | 'error', why: string): void {
    this.status = status;
    this.message =
      status === 'missing'
        ? `Our runs of this experiment are not on this site yet: ${why}. There is nothing to replay; press "Run it yourself" to train it here and watch its phases appear.`
        : `Our runs of this experiment could not be shown: ${why}. Press "Run it yourself" to train it here.`;
  }

  setSeed(seed: number): void {
    if (this.seeds.includes(seed)) this.seed = seed;
  }

  /** Play from the current position (from the start when at the end); each frame moves the cursor by elapsed time. */
  play(): void {
    const w = this.window;
    if (!w || this.playing || this.reducedMotion) return;
    if (this.cursor === null || this.cursor >= w.to) this.cursor = w.from;
    this.playing = true;
    this.startedAt = performance.now() - ((this.cursor - w.from) / Math.max(1, w.to - w.from)) * REPLAY_MS;
    this.frame = requestAnimationFrame(this.tick);
  }

  private tick = (now: number): void => {
    const w = this.window;
    if (!w || !this.playing) return;
    const f = (now - this.startedAt) / REPLAY_MS;
    if (f >= 1) {
      this.frame = 0;
      this.playing = false;
      this.cursor = null;
      return;
    }
    this.cursor = w.from + Math.max(0, f) * (w.to - w.from);
    this.frame = requestAnimationFrame(this.tick);
  };

  /** Hold the replay where it is. */
  pause(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.playing = false;
  }

  /** Cancel the replay: the whole run again. */
  stop(): void {
    this.pause();
    this.cursor = null;
  }

  /** Show the runs up to `step` (the slider); pauses a replay. */
  seek(step: number): void {
    const w = this.window;
    if (!w) return;
    this.pause();
    this.cursor = step >= w.to ? null : Math.max(w.from, step);
  }

  /** The arm "Run it yourself" trains, at the preset's first seed. */
  get runArm(): PresetArm {
    return shortestArm(this.preset, this.runs);
  }

  /**
   * Load the shortest arm into the form and train it: one click. From our SFT model when the site has
   * it (a fork at the SFT -> RL boundary: only RL trains here), else from step 0, saying why. A refused
   * config shows in the form.
   */
  async runYourself(): Promise<void> {
    const { config, lab, base } = this.targets;
    const run = presetRuns(this.preset, [this.preset.seeds[0] ?? 1], [this.runArm.id])[0]!;
    config.load({ ...run.config, backend: config.draft.backend }); // the backend the user chose stays
    const valid = config.validateNow();
    if (!valid) return;
    this.starting = true;
    try {
      const from = base ? await base(this.preset.id, run.seed) : null;
      const loaded = `Loaded from the story: "${this.preset.title}", arm "${this.runArm.label}", seed ${run.seed}`;
      let err: Refusal;
      if (from?.ok) {
        config.notice = `${loaded}; RL starts from our SFT model (step ${from.step}), in your runs library.`;
        err = await lab.forkRun(from.runId, from.step, valid, run.name);
      } else {
        config.notice = from
          ? `${loaded}; our SFT model could not be used (${from.why}), so SFT trains here first.`
          : `${loaded}.`;
        err = await lab.start(valid, run.name);
      }
      if (err) config.showError(err);
      else this.started = run.name;
    } finally {
      this.starting = false;
    }
  }

  dispose(): void {
    this.pause();
    this.motion?.removeEventListener('change', this.onMotion);
  }

  private view(arm: PresetArm, run: StoryRun | null, at: number): ArmView {
    if (!run || !this.window) return { arm, run, shownRows: 0, columns: EMPTY, summary: null };
    const rows = run.rows.slice(0, prefixLength(run.rows, at));
    return {
      arm,
      run,
      shownRows: rows.length,
      columns: storyColumns(rows, this.window.from, run.config, DEFAULT_PHASE_RULES.smoothingWeight),
      summary: analyzePhases(rows),
    };
  }
}
