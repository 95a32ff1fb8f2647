import { describe, expect, it } from 'vitest';
import {
  addMonths,
  formatMonth,
  matchingPreset,
  monthWithin,
  periodMonths,
  presetPeriod,
  resolvePeriod,
  stepMonth,
} from './period.ts';

const today = new Date('2026-11-29T15:30:00Z');

describe('period presets', () => {
  it('counts inclusive days and calendar months back from the injected today', () => {
    expect(presetPeriod('last-28-days', today)).toEqual({ from: '2026-11-02', to: '2026-11-29' });
    expect(presetPeriod('last-3-months', today)).toEqual({ from: '2026-08-30', to: '2026-11-29' });
    expect(presetPeriod('last-6-months', today)).toEqual({ from: '2026-05-30', to: '2026-11-29' });
    expect(presetPeriod('last-12-months', today)).toEqual({ from: '2025-11-30', to: '2026-11-29' });
  });

  it('clamps to the end of shorter months and crosses leap days', () => {
    expect(addMonths('2026-05-31', -3)).toBe('2026-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(presetPeriod('last-3-months', new Date('2026-05-31T00:00:00Z')).from).toBe('2026-03-01');
  });

  it('recognises a preset period and resolves a missing period to the default', () => {
    expect(matchingPreset({ from: '2026-08-30', to: '2026-11-29' }, today)).toBe('last-3-months');
    expect(matchingPreset({ from: '2026-08-29', to: '2026-11-29' }, today)).toBeUndefined();
    expect(resolvePeriod(null, null, today)).toEqual(presetPeriod('last-12-months', today));
    expect(resolvePeriod('2026-01-01', null, today)).toEqual({
      from: '2026-01-01',
      to: '2026-11-29',
    });
    expect(resolvePeriod(null, '2026-06-30', today)).toEqual({
      from: '2025-07-01',
      to: '2026-06-30',
    });
  });
});

describe('time slider months', () => {
  it('steps forward and back and stops past either end (play stops there)', () => {
    const months = ['2026-09', '2026-10', '2026-11'];
    expect(stepMonth(months, '2026-09', 1)).toBe('2026-10');
    expect(stepMonth(months, '2026-10', -1)).toBe('2026-09');
    expect(stepMonth(months, '2026-11', 1)).toBeUndefined();
    expect(stepMonth(months, undefined, 1)).toBe('2026-09');
    expect(stepMonth(months, undefined, -1)).toBe('2026-11');
    expect(stepMonth(months, '2020-01', 1)).toBe('2026-09');
    expect(stepMonth([], undefined, 1)).toBeUndefined();
  });

  it('names months for people', () => {
    expect(formatMonth('2026-05')).toBe('May 2026');
  });
});

describe('months of a chosen period (the slider and Play)', () => {
  it('lists every month the period touches, partial ends included', () => {
    const period = { from: '2025-11-30', to: '2026-02-10' };
    expect(periodMonths(period)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthWithin(period, '2025-11')).toEqual({ from: '2025-11-30', to: '2025-11-30' });
    expect(monthWithin(period, '2026-01')).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(monthWithin(period, '2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-10' });
  });

  it('plays a past period, not the last 24 months', () => {
    expect(periodMonths({ from: '2019-03-01', to: '2019-05-31' })).toEqual([
      '2019-03',
      '2019-04',
      '2019-05',
    ]);
  });
});
