// The findings report's markdown: one page per preset (claim, metric, settings, measured outcome over
// seeds, runs with wall time and machine, verdict with its rule, chart, interpretation) and the index
// with the verdict table and the pooled faithfulness claim. Text from data is escaped; numbers only
// come from the runs, and a preset without runs says "not run yet".
import { flattenConfig } from '../../analysis/compare';
import { duration } from '../../analysis/eta';
import { mean } from '../../analysis/stats';
import type { RunConfig } from '../../experiment/run-config';
import { describeModel } from '../../model/model-config';
import type { PresetResult } from './report-data';
import type { RunSummary } from './run-summary';
import { POOLED_RULE, VERDICT_RULE, type ConditionResult, type PooledVerdict } from './verdicts';

/** Backslash-escape what Markdown (and the HTML inside it) would read as syntax. */
export function mdEscape(s: string): string {
  return s.replace(/[\\`*_[\]<>|#&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export const num = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : String(Number(x.toFixed(digits)));

/** "0.12 [0.05, 0.2]" over the finite values; "–" when there are none. */
export function spread(xs: readonly (number | null | undefined)[], digits = 3): string {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return '–';
  return v.length === 1
    ? num(v[0], digits)
    : `${num(mean(v), digits)} [${num(Math.min(...v), digits)}, ${num(Math.max(...v), digits)}]`;
}

/** An inline code span (backslash escapes do not work inside one, so backticks become quotes). */
const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\r?\n/g, ' ')}\``;
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** A preset whose verdict comes from an earlier report whose runs were not kept (report-build.ts). */
export interface CarriedFinding {
  /** The earlier findings.json entry, written back unchanged. */
  entry: Record<string, unknown>;
  verdict: string;
  summary: string;
  seeds: number;
  wallSeconds: number | null;
  machine: string;
  date: string | null;
}

/** One line for the gallery: the verdict and each condition's mean and range. */
export function summaryLine(r: PresetResult): string {
  const v = r.verdict;
  if (v.verdict === 'not run') return r.runs.length === 0 ? 'not run yet' : `not judged yet: ${partialRuns(r)}`;
  const parts = v.conditions.map(
    (c) => `${c.id} ${num(c.mean)} [${num(c.min)}, ${num(c.max)}] (needs > ${num(c.threshold)})`,
  );
  return `${v.verdict} over ${v.seeds.length} seed${v.seeds.length === 1 ? '' : 's'}: ${parts.join('; ')}`.slice(
    0,
    2000,
  );
}

/** "4 of 9 runs completed (verifiable 3, majority vote 1, self-certainty 0); ..." for a preset not judged yet. */
function partialRuns(r: PresetResult): string {
  const done = r.runs.filter((x) => x.summary.status === 'completed');
  const perArm = r.preset.arms
    .map((a) => `${a.label} ${done.filter((x) => x.summary.armId === a.id).length}`)
    .join(', ');
  return `${done.length} of ${r.preset.arms.length * r.preset.seeds.length} runs completed (${perArm}); a seed counts once every arm has completed it`;
}

/** ", task settings: people 5, maxFacts 5" for the task settings the config sets (the task's defaults fill the rest); "" when it sets none. */
function taskSettings(tc: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(tc).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return parts.length ? `, task settings: ${mdEscape(parts.join(', '))}` : '';
}

/** Dotted config paths some arm changes ("data.style"): the settings say "per arm" there, not one arm's value. */
function armPaths(r: PresetResult): Set<string> {
  return new Set(r.preset.arms.flatMap((a) => Object.keys(flattenConfig(a.changes))));
}

/** " at most, ending at the first evaluation with greedy held-out >= 0.6": the SFT target in words, if any. */
function sftTarget(c: RunConfig): string {
  const t = [
    c.sft.targetAccuracy ? `greedy held-out accuracy >= ${c.sft.targetAccuracy}` : '',
    c.sft.targetFaithfulness ? `greedy faithfulness >= ${c.sft.targetFaithfulness}` : '',
  ].filter(Boolean);
  return t.length > 0 ? ` at most, ending at the first evaluation with ${t.join(' and ')}` : '';
}

function settings(c: RunConfig, vary: Set<string>): string[] {
  const rewards = c.rl.rewards.map((w) => `${w.name}×${w.weight}`).join(' + ');
  const d = c.data;
  const or = (path: string, what: string, text: string) => (vary.has(path) ? `${what} per arm` : text);
  const prompts = or(
    'data.trainSize',
    'training prompts',
    d.trainSize > 0 ? `${d.trainSize} training prompts` : 'fresh training prompts every step',
  );
  const perArm = vary.has('data.sftSize');
  const sftData =
    d.sftSource === 'fresh'
      ? perArm
        ? 'k distinct fresh clean examples, k per arm'
        : d.sftSize
          ? `${d.sftSize} distinct fresh clean examples`
          : 'fresh clean examples'
      : perArm
        ? 'the first k of the training prompts, k per arm'
        : d.sftSize
          ? `the first ${d.sftSize} of the training prompts`
          : 'the training prompts';
  return [
    `- Model: ${describeModel(c.model)}.`,
    `- Data: task ${code(d.task)}, ${or('data.style', 'rationale style', `rationale style ${code(d.style)}`)}, ${prompts}, ${or('data.labelNoise', 'label noise', `label noise ${d.labelNoise}`)}, held-out ${d.heldoutSize}, OOD ${d.oodSize}${taskSettings(d.taskConfig)}.`,
    `- CPT: ${or('cpt.steps', 'steps', `${c.cpt.steps} steps`)}. SFT: ${or('sft.steps', 'steps', `${c.sft.steps} steps`)}${sftTarget(c)}, batch ${c.sft.batchSize}, lr ${c.sft.lr}, evaluation every ${c.sft.evalEvery}, on ${sftData}.`,
    `- RL (GRPO): ${c.rl.steps} steps, ${c.rl.promptsPerStep} prompts × ${c.rl.numGenerations} completions, lr ${c.rl.lr}, reward ${vary.has('rl.rewards') ? 'per arm' : mdEscape(rewards)}, evaluation every ${c.rl.evalEvery} steps on ${c.rl.evalSize} prompts (pass@1 from ${c.rl.passK} samples each).`,
  ];
}

function conditionRows(cs: readonly ConditionResult[]): string[][] {
  return cs.map((c) => [
    mdEscape(c.text),
    num(c.threshold),
    spread(c.perSeed.map((p) => p.value)),
    `${c.perSeed.filter((p) => p.value !== null && p.value > c.threshold).length}/${c.perSeed.length}`,
    c.holdsInMean ? (c.holdsInEverySeed ? 'holds' : 'holds in the mean') : 'does not hold',
  ]);
}

function armRows(r: PresetResult): string[][] {
  return r.preset.arms.map((arm) => {
    const runs: RunSummary[] = r.runs
      .map((x) => x.summary)
      .filter((s) => s.armId === arm.id && s.status === 'completed');
    const regimes = [...new Set(runs.map((s) => s.phases.regime.replace(/_/g, ' ')))].join(', ') || '–';
    return [
      mdEscape(arm.label),
      String(runs.length),
      spread(runs.map((s) => s.preRl.heldout)),
      spread(runs.map((s) => s.final.heldout)),
      spread(runs.map((s) => s.heldoutGain)),
      spread(runs.map((s) => s.phases.heldoutTrend?.delta ?? null)),
      spread(runs.map((s) => s.final.ood)),
      spread(
        runs.map((s) => s.preSaturation),
        0,
      ),
      spread(
        runs.map((s) => s.phases.saturationStep),
        0,
      ),
      regimes,
    ];
  });
}

function runRows(r: PresetResult): string[][] {
  return r.runs.map((x) => [
    mdEscape(x.name),
    x.summary.status + (x.reason ? `: ${mdEscape(x.reason)}` : ''),
    `${x.steps}/${x.totalSteps}`,
    x.summary.wallSeconds === null ? '–' : duration(x.summary.wallSeconds),
    mdEscape(x.backend),
    num(x.summary.heldoutGain),
    mdEscape(x.summary.phases.regimeReason),
  ]);
}

const howToRun = (id: string) => [
  '## How to reproduce',
  '',
  '```sh',
  `npm run lab -- --preset ${id} --seeds 3   # add --backend webgpu on a GPU machine`,
  'npm run report',
  '```',
];

/** The preset's page. `notes` is the hand-written interpretation (public/findings/notes/<id>.md), if any. */
export function presetMarkdown(r: PresetResult, notes: string | null): string {
  const p = r.preset;
  const v = r.verdict;
  const head = [
    `# ${mdEscape(p.title)}`,
    '',
    `**Verdict: ${v.verdict === 'not run' ? 'not run yet' : v.verdict}**${v.verdict === 'not run' ? '' : ` (${v.reason}).`}`,
    '',
    '## The claim',
    '',
    mdEscape(p.paperFinding),
    '',
    `Question: ${mdEscape(p.question)}`,
    '',
    '## The metric that tests it',
    '',
    mdEscape(r.claim.metric),
    '',
  ];
  if (v.verdict === 'not run') {
    const smoke =
      r.smokeRuns > 0
        ? ` (${r.smokeRuns} smoke run${r.smokeRuns === 1 ? '' : 's'} with changed settings exist; they are not findings)`
        : '';
    const partial =
      r.runs.length > 0
        ? [
            `So far: ${mdEscape(partialRuns(r))}.`,
            '',
            table(['run', 'status', 'steps', 'wall time', 'backend', 'held-out gain', 'phase analysis'], runRows(r)),
            '',
          ]
        : [];
    const pilot = notes?.trim() ? ['## Notes', '', notes.trim(), ''] : [];
    return [
      ...head,
      `Not run yet: no seed has a completed run of every arm with the preset's settings${smoke}.`,
      '',
      ...partial,
      ...pilot,
      ...howToRun(p.id),
      '',
    ].join('\n');
  }
  const config = r.runs[0]!.config;
  return [
    ...head,
    `Verdict rule: ${VERDICT_RULE}`,
    '',
    table(
      ['condition', 'threshold', 'mean [min, max] over seeds', 'seeds above', 'result'],
      conditionRows(v.conditions),
    ),
    '',
    '## Settings',
    '',
    `Every arm runs these settings; arms differ only in: ${p.arms.map((a) => `${mdEscape(a.label)} ${code(JSON.stringify(a.changes))}`).join('; ')}. Seeds: ${v.seeds.join(', ')}.`,
    '',
    ...settings(config, armPaths(r)),
    `- Phase analysis: the lab's default rules${r.rules.ceiling === 'observed' ? ', with the observed ceiling (the highest smoothed reward) for every arm' : ''}, on the RL stage only.`,
    '',
    '## Measured outcome',
    '',
    'Mean [min, max] over seeds, completed runs only. Gain: last RL evaluation minus the pre-RL one. Pre-saturation length in steps (rise to saturation; rise to the end of RL when the reward never saturated; 0 without a rise).',
    '',
    table(
      [
        'arm',
        'runs',
        'greedy held-out before RL',
        'after RL',
        'greedy gain',
        'held-out pass@1 change (rule)',
        'OOD after RL',
        'pre-saturation length',
        'saturation step',
        'regimes',
      ],
      armRows(r),
    ),
    '',
    `![training reward and held-out accuracy per arm and seed](${encodeURIComponent(p.id)}.svg)`,
    '',
    '## Runs',
    '',
    table(['run', 'status', 'steps', 'wall time', 'backend', 'held-out gain', 'phase analysis'], runRows(r)),
    '',
    `Wall time per completed run: ${r.wallSeconds === null ? '–' : duration(r.wallSeconds)} on average. Measured on: ${r.machines.map(mdEscape).join('; ') || '–'}. Last run update: ${r.date ?? '–'}.`,
    '',
    `Run data (config, end state and every metric row of each run above, gzip'd JSON): [runs/${p.id}.json.gz](runs/${encodeURIComponent(p.id)}.json.gz). \`npm run report\` rebuilds this page from it.`,
    ...(r.smokeRuns > 0
      ? [
          '',
          `${r.smokeRuns} smoke run${r.smokeRuns === 1 ? '' : 's'} with changed settings (--steps-scale or a patch) are left out.`,
        ]
      : []),
    '',
    '## Interpretation',
    '',
    notes?.trim() ||
      '_No interpretation written yet (add it to public/findings/notes/' +
        p.id +
        '.md; the report includes it as is)._',
    '',
    ...howToRun(p.id),
    '',
  ].join('\n');
}

/** The index: verdict table over every preset, the pooled claim 4, the rules. */
export function indexMarkdown(
  results: readonly PresetResult[],
  carried: ReadonlyMap<string, CarriedFinding>,
  pooled: PooledVerdict,
  generatedAt: string,
): string {
  const carriedRow = (r: PresetResult, c: CarriedFinding) => [
    `[${mdEscape(r.preset.title)}](${encodeURIComponent(r.preset.id)}.md)`,
    `**${mdEscape(c.verdict)}**`,
    String(c.seeds),
    c.wallSeconds === null ? '–' : duration(c.wallSeconds),
    mdEscape(c.machine) || '–',
    `${mdEscape(c.summary)} (carried over: measured ${c.date ?? 'earlier'}, run data not kept)`,
  ];
  const carriedNames = results.filter((r) => carried.has(r.preset.id)).map((r) => r.preset.id);
  const rows = results.map((r) =>
    carried.has(r.preset.id)
      ? carriedRow(r, carried.get(r.preset.id)!)
      : [
          `[${mdEscape(r.preset.title)}](${encodeURIComponent(r.preset.id)}.md)`,
          r.verdict.verdict === 'not run' ? 'not run yet' : `**${r.verdict.verdict}**`,
          String(r.verdict.seeds.length),
          r.wallSeconds === null ? '–' : duration(r.wallSeconds),
          mdEscape(r.machines.join('; ')) || '–',
          mdEscape(summaryLine(r)),
        ],
  );
  const fits = pooled.fits.map((f) => [
    f.predictor,
    f.outcome.replace(/_/g, ' '),
    String(f.n),
    num(f.slope, 4),
    num(f.r2),
  ]);
  return [
    '# Findings: what each preset showed when we ran it',
    '',
    `Generated by \`npm run report\` on ${generatedAt.slice(0, 10)} from the sweeps of \`npm run lab\`. Every number below comes from those runs; a preset without runs says "not run yet".`,
    '',
    table(['preset', 'verdict', 'seeds', 'wall time per run', 'machine', 'outcome'], rows),
    '',
    ...(carriedNames.length > 0
      ? [
          `Carried over from an earlier report: ${carriedNames.map((id) => `[${id}](${encodeURIComponent(id)}.md)`).join(', ')}. Those sweeps ran before each run's data was kept in runs/, so their pages are as that report wrote them, their runs are not in the claim-4 fit below, and the next \`npm run lab\` of those presets replaces them.`,
          '',
        ]
      : []),
    '## Claim 4: faithfulness predicts the regime, diversity does not',
    '',
    `**Verdict: ${pooled.verdict === 'not run' ? 'not run yet' : pooled.verdict}** (${pooled.reason}).`,
    '',
    POOLED_RULE,
    '',
    table(['predictor (pre-RL)', 'outcome', 'runs', 'slope', 'R^2'], fits),
    '',
    '## Rules',
    '',
    VERDICT_RULE,
    '',
    'Each preset page lists its conditions with their thresholds; the rules live in src/experiment/preset-claims.ts (per preset) and src/cli/report/verdicts.ts (the pooled claim).',
    '',
  ].join('\n');
}
