import { DEFAULT_FORECAST_PARAMS, type ForecastChoice } from '@hotspot/analysis';
import { describe, expect, it } from 'vitest';
import { ForecastTuningCache } from './forecast-tuning.ts';

const choice = (blendWeight: number): ForecastChoice => ({
  method: 'blended',
  params: { ...DEFAULT_FORECAST_PARAMS, blendWeight },
  chosenBy: 'backtest of the training months (ties go to naive)',
  rows: [],
});

describe('forecast tuning cache', () => {
  it('backtests once per data version and request, again when the data change', () => {
    const cache = new ForecastTuningCache();
    const computed: number[] = [];
    const tune = (version: string, inputs: Record<string, unknown>, weight: number) =>
      cache.choose('p1', version, inputs, () => {
        computed.push(weight);
        return choice(weight);
      });
    const april = { from: '2024-01', to: '2024-03', coverage: 0.05, sizeMeters: 50 };
    expect(tune('7', april, 0.5)).toMatchObject({ reused: false });
    // Same data, same request (keys in another order): the first choice, not recomputed.
    const again = tune('7', { sizeMeters: 50, coverage: 0.05, to: '2024-03', from: '2024-01' }, 1);
    expect(again.reused).toBe(true);
    expect(again.choice.params.blendWeight).toBe(0.5);
    // Another coverage is another backtest.
    expect(tune('7', { ...april, coverage: 0.1 }, 1).reused).toBe(false);
    // New records: the version moves and every choice is made again.
    const after = tune('8', april, 2);
    expect(after).toMatchObject({ reused: false, choice: { params: { blendWeight: 2 } } });
    // A slow request that read the old version is answered, but cannot bring it back.
    expect(tune('7', april, 0.25).reused).toBe(false);
    expect(tune('8', april, 0).choice.params.blendWeight).toBe(2);
    expect(computed).toEqual([0.5, 1, 2, 0.25]);
  });

  it('keeps partnerships apart', () => {
    const cache = new ForecastTuningCache();
    const inputs = { from: '2024-01', to: '2024-03' };
    cache.choose('p1', '1', inputs, () => choice(1));
    const other = cache.choose('p2', '1', inputs, () => choice(2));
    expect(other).toMatchObject({ reused: false, choice: { params: { blendWeight: 2 } } });
  });
});
