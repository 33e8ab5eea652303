// Names of a TRL export: the run name a bare experiment gets (as the run list names runs) and the zip's
// file stem. Tiny and import-free, so the page can name an export without loading the export code.
import type { RunConfig } from '../../experiment/run-config';

/** "addition · pattern · N=512 · γ=0 · seed 1", the name the run controls give a new run. */
export function experimentName(c: Pick<RunConfig, 'data' | 'seed'>): string {
  const n = c.data.trainSize === 0 ? '∞' : String(c.data.trainSize);
  return `${c.data.task} · ${c.data.style} · N=${n} · γ=${c.data.labelNoise} · seed ${c.seed}`;
}

/** A file-name stem from a run name: "rlvr-trl-addition-pattern-n-512-0-seed-1". */
export function trlStem(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `rlvr-trl-${slug || 'run'}`;
}
