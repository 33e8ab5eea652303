// Each preset's verdict rule matches the preset it judges: one claim per preset, naming only the
// preset's own arms, with condition ids unique within the claim.
import { describe, expect, it } from 'vitest';
import { CLAIMS, rulesFor } from '../../src/experiment/preset-claims';
import { PRESET_IDS, PRESETS } from '../../src/experiment/presets';

describe('preset claims', () => {
  it('every preset has a claim and every claim a preset', () => {
    expect(Object.keys(CLAIMS).sort()).toEqual([...PRESET_IDS].sort());
  });

  it.each(PRESETS.map((p) => [p.id, p] as const))(
    '%s: the claim names arms of its preset, condition ids unique',
    (id, preset) => {
      const claim = CLAIMS[id]!;
      const arms = preset.arms.map((a) => a.id);
      for (const arm of claim.arms) expect(arms).toContain(arm);
      const ids = claim.conditions.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThan(0);
    },
  );

  it('only the proxy-reward preset analyses phases against the observed ceiling', () => {
    expect(PRESET_IDS.filter((id) => Object.keys(rulesFor(id)).length > 0)).toEqual(['proxy_rewards']);
    expect(rulesFor('proxy_rewards')).toEqual({ ceiling: 'observed' });
  });
});
