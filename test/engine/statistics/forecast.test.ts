/** The capacity forecast on known series: flat, linear (exact crossing), noisy (R² below 1), too short. */
import { describe, expect, it } from 'vitest';
import { describeForecast, forecastExhaustion, type SeriesPoint } from '../../../lib/engine/statistics/forecast.js';

const START = Date.parse('2026-11-01T00:00:00Z');
const hourly = (hours: number, value: (hour: number) => number): SeriesPoint[] =>
  Array.from({ length: hours }, (_, hour) => ({ at: new Date(START + hour * 3_600_000), value: value(hour) }));
const mib = (value: number): string => `${value.toFixed(0)} MiB`;

describe('capacity forecast', () => {
  it('a flat series never runs out, with a perfect fit', () => {
    const forecast = forecastExhaustion(
      hourly(48, () => 4000),
      8000,
    );
    expect(forecast).toMatchObject({ kind: 'fit', points: 48, slopePerDay: 0, rSquared: 1, fittedNow: 4000, daysUntilFull: null });
    expect(describeForecast('memory', forecast, 7, mib)).toBe(
      "memory: not growing at the last 7 days' rate (4000 MiB of 8000 MiB; +0 MiB/day, fit R² 1.00 over 48 points)",
    );
  });

  it('a linear series crosses the capacity where the line says', () => {
    // +24 MiB an hour = +576 MiB a day from 1000: at hour 71, 2704; 8000 is (8000 - 2704) / 576 = 9.194... days on.
    const forecast = forecastExhaustion(
      hourly(72, (hour) => 1000 + 24 * hour),
      8000,
    );
    if (forecast.kind !== 'fit') throw new Error('expected a fit');
    expect(forecast.slopePerDay).toBeCloseTo(576, 9);
    expect(forecast.rSquared).toBeCloseTo(1, 12);
    expect(forecast.fittedNow).toBeCloseTo(2704, 9);
    expect(forecast.daysUntilFull).toBeCloseTo((8000 - 2704) / 576, 9);
    expect(describeForecast('memory', forecast, 7, mib)).toBe(
      "memory: runs out in 9 days at the last 7 days' rate (2704 MiB of 8000 MiB; +576 MiB/day, fit R² 1.00 over 72 points)",
    );
    // Already over: at capacity now.
    expect(
      forecastExhaustion(
        hourly(72, (hour) => 1000 + 24 * hour),
        2000,
      ),
    ).toMatchObject({ daysUntilFull: 0 });
    // Shrinking: never.
    expect(
      forecastExhaustion(
        hourly(72, (hour) => 5000 - hour),
        8000,
      ),
    ).toMatchObject({ daysUntilFull: null });
  });

  it('shows a poor fit for a noisy series', () => {
    // A square wave around a slow trend: the line still rises, but explains little.
    const forecast = forecastExhaustion(
      hourly(96, (hour) => 3000 + hour + (hour % 2 === 0 ? 800 : -800)),
      10_000,
    );
    if (forecast.kind !== 'fit') throw new Error('expected a fit');
    expect(forecast.slopePerDay).toBeGreaterThan(0);
    expect(forecast.rSquared).toBeLessThan(0.2);
  });

  it('says when there is not enough history', () => {
    expect(forecastExhaustion([], 100)).toMatchObject({ kind: 'not_enough_history', points: 0 });
    // Many points over a short span: still not enough.
    const short = forecastExhaustion(
      Array.from({ length: 60 }, (_, minute) => ({ at: new Date(START + minute * 60_000), value: minute })),
      100,
    );
    expect(short).toMatchObject({ kind: 'not_enough_history', points: 60 });
    expect(describeForecast('vCPUs', short, 7, String)).toBe('vCPUs: not enough history (60 points over 1 h; a forecast needs 12 over 24 h)');
    // A long span with too few points.
    expect(
      forecastExhaustion(
        hourly(200, (hour) => hour).filter((_, index) => index % 50 === 0),
        1000,
      ),
    ).toMatchObject({ kind: 'not_enough_history', points: 4 });
  });
});
