import { describe, expect, it } from 'vitest';
import { ARM_MS, isArmed, voids } from './guard';

describe('click guard rules', () => {
  it('arms only after ARM_MS of continuous clean state', () => {
    expect(isArmed(null, 10_000)).toBe(false);
    expect(isArmed(1000, 1000 + ARM_MS - 1)).toBe(false);
    expect(isArmed(1000, 1000 + ARM_MS)).toBe(true);
    expect(isArmed(1000, 1200, 100)).toBe(true);
  });

  it('voids the prompt for deliberate changes to its element, only disarms for passing obstructions', () => {
    for (const r of ['moved', 'restyled', 'not-top-layer'] as const) expect(voids(r)).toBe(true);
    for (const r of [
      'removed',
      'hidden',
      'transformed',
      'off-screen',
      'covered',
      'occluded',
      'unverifiable',
    ] as const)
      expect(voids(r)).toBe(false);
    expect(voids(null)).toBe(false);
  });
});
