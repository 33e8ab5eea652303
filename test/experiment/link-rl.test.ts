// Config and result links carry the RL choices the random round-trip in link.test.ts does not draw:
// every reward name (the step-checked one included) and the process filter, both refused by field
// name when a link holds a value this lab does not know.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../../src/experiment/run-config';
import { configChanges, decodeConfigLink, encodeConfigLink } from '../../src/experiment/config-link';
import { packLink } from '../../src/experiment/link-codec';
import { readLink } from '../../src/experiment/links';
import { encodeResultLink } from '../../src/experiment/result-link';
import { REWARD_NAMES, type RewardSpec } from '../../src/experiment/rl-config';
import { syntheticRun } from './link-fixtures';

function withRl(rl: Record<string, unknown>): RunConfig {
  return validateRunConfig({ ...DEFAULT_RUN_CONFIG, rl: { ...DEFAULT_RUN_CONFIG.rl, ...rl } });
}

describe('links carry the RL rewards and the process filter', () => {
  it('the step-checked reward and PROF travel as their own changes and come back equal', () => {
    const rewards: RewardSpec[] = [
      { name: 'verifiable_steps', weight: 1 },
      { name: 'verifiable', weight: 0.5 },
    ];
    const cfg = withRl({ processFilter: 'prof', rewards });
    expect(configChanges(cfg)).toEqual({ rl: { processFilter: 'prof', rewards } });
    const hash = encodeConfigLink(cfg);
    expect(decodeConfigLink(`#${hash}`)).toEqual({ ok: true, value: cfg });
    expect(readLink(`#${hash}`)).toEqual({ kind: 'config', config: cfg });
    const opened = readLink(`#${encodeResultLink({ ...syntheticRun(100, 10), config: cfg })}`);
    expect(opened.kind === 'result' && opened.result.config).toEqual(cfg);
  });

  it.each(REWARD_NAMES)('reward %s round-trips alone', (name) => {
    const spec = name === 'flip' ? { name, weight: 2, p: 0.3 } : { name, weight: 2 };
    const cfg = withRl({ rewards: [spec] });
    expect(decodeConfigLink(`#${encodeConfigLink(cfg)}`)).toEqual({ ok: true, value: cfg });
  });

  it('refuses an unknown filter or reward in a link, naming the field', () => {
    const filter = decodeConfigLink(`#${packLink('c', 1, { rl: { processFilter: 'prm' } })}`);
    expect(filter).toEqual({
      ok: false,
      error: 'The config link holds an invalid setting: rl.processFilter must be one of none, prof; got "prm".',
    });
    const reward = decodeConfigLink(`#${packLink('c', 1, { rl: { rewards: [{ name: 'steps', weight: 1 }] } })}`);
    expect(!reward.ok && reward.error).toMatch(/rl\.rewards\[0\]\.name must be one of .*verifiable_steps; got "steps"/);
  });
});
