import { describe, expect, it } from 'vitest';
import { analysisBenchmarks } from './benchmarks.ts';
import * as api from './index.ts';

describe('package entry', () => {
  it('exports one plain sentence per method', () => {
    for (const [method, sentence] of Object.entries(api.EXPLANATIONS)) {
      expect(sentence, method).toMatch(/^[A-Z][^\n]*\.$/);
      expect(sentence.split('. ').length, method).toBe(1);
    }
  });

  it('exports the operations', () => {
    for (const name of [
      'dbscan',
      'compareClusterings',
      'getisOrdLocal',
      'hexHotspots',
      'aggregateToHexes',
      'kernelDensity',
      'emergingHotspots',
      'repeatLocations',
      'summariseRecords',
      'paiTable',
      'weightedDisplacementQuotient',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});

describe('benchmarks run in quick mode', () => {
  // Shape only: timings are measured by `npm run bench`, never asserted in tests.
  it.each(Object.entries(analysisBenchmarks))('%s', async (_name, run) => {
    const results = await run({ quick: true });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.name).toEqual(expect.any(String));
      expect(Number.isFinite(r.value)).toBe(true);
      expect(r.unit).toEqual(expect.any(String));
    }
  });
});
