import type { ForecastChoice } from '@hotspot/analysis';
import { BoundedCache } from '../../http/bounded-cache.ts';
import { canonicalJson } from '../audit/index.ts';

/**
 * The default forecast's choice (method and blend weight, from a backtest of the training
 * months), kept per partnership and data version. The layer ETag moves with settings that do
 * not touch the records (disclosure threshold, other analyses' defaults), and each move
 * recomputes the forecast body; the backtest behind the choice is the costly part and depends
 * only on the records, the area and the request, so it is reused until the data version moves.
 * A newer version drops every choice made on the older one.
 */
export class ForecastTuningCache {
  readonly #byPartnership = new BoundedCache<
    string,
    { readonly dataVersion: bigint; readonly choices: BoundedCache<string, ForecastChoice> }
  >(16);

  constructor(readonly choicesPerVersion = 32) {}

  /**
   * The choice for `inputs` (everything besides the records that it depends on: area, cell
   * size, months, coverage, filters) at `dataVersion`, computed on a miss. A request that read
   * an older version than the cache holds is answered without touching the cache.
   */
  choose(
    partnershipId: string,
    dataVersion: string,
    inputs: Readonly<Record<string, unknown>>,
    compute: () => ForecastChoice,
  ): { choice: ForecastChoice; reused: boolean } {
    const version = BigInt(dataVersion);
    let entry = this.#byPartnership.get(partnershipId);
    if (entry && entry.dataVersion > version) return { choice: compute(), reused: false };
    if (!entry || entry.dataVersion < version) {
      entry = { dataVersion: version, choices: new BoundedCache(this.choicesPerVersion) };
      this.#byPartnership.set(partnershipId, entry);
    }
    const key = canonicalJson(inputs);
    const cached = entry.choices.get(key);
    if (cached) return { choice: cached, reused: true };
    const choice = compute();
    entry.choices.set(key, choice);
    return { choice, reused: false };
  }
}
