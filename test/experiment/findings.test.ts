// The gallery's reading of findings.json: the kept-runs count is optional (a carried-over verdict has
// none) and must be a count; files resolve under the page's base path, whatever it is.
import { describe, expect, it } from 'vitest';
import { findingsUrl, parseFindings } from '../../src/experiment/findings';

const entry = { verdict: 'mixed', summary: 'mixed over 3 seeds' };

describe('parseFindings', () => {
  it('reads the kept-runs count where there is one and leaves it out where there is none', () => {
    const r = parseFindings({
      presets: {
        scarce_data: { ...entry, runs: 6 },
        random_reward: entry,
        paro: { verdict: 'not run', summary: 'not run yet', runs: 0 },
      },
    });
    if (!r.ok) throw new Error(r.error);
    expect([r.findings.scarce_data!.runs, r.findings.random_reward!.runs, r.findings.paro!.runs]).toEqual([
      6,
      undefined,
      0,
    ]);
  });

  it.each([[-1], [2.5], ['6']])('refuses a runs count of %j', (runs) => {
    expect(parseFindings({ presets: { scarce_data: { ...entry, runs } } }).ok).toBe(false);
  });
});

describe('findingsUrl', () => {
  it('resolves the kept run file under any base path', () => {
    expect(findingsUrl('https://example.org/lab/', 'runs/scarce_data.json.gz')).toBe(
      'https://example.org/lab/findings/runs/scarce_data.json.gz',
    );
    expect(findingsUrl('https://example.org/lab/index.html?x=1', 'runs/paro.json.gz')).toBe(
      'https://example.org/lab/findings/runs/paro.json.gz',
    );
    expect(findingsUrl('http://localhost:5173/', 'findings.json')).toBe('http://localhost:5173/findings/findings.json');
  });
});
