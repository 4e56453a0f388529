/**
 * Capacity forecast: a straight line fitted by least squares through a history (value against time),
 * and when it crosses the capacity. The fit's quality (R²) travels with the answer, so "runs out in 23
 * days" from a noisy series is read for what it is; too short a history is said to be so instead.
 */

export interface SeriesPoint {
  readonly at: Date;
  readonly value: number;
}

export interface ForecastOptions {
  /** "Now": the fitted value here is the starting point. Default: the last point's time. */
  readonly now?: Date;
  /** Fewer points than this, or a shorter span, is not enough history. */
  readonly minPoints?: number;
  readonly minSpanHours?: number;
}

export type Forecast =
  | { readonly kind: 'not_enough_history'; readonly points: number; readonly spanHours: number; readonly minPoints: number; readonly minSpanHours: number }
  | {
      readonly kind: 'fit';
      readonly points: number;
      readonly spanHours: number;
      /** Growth per day of the fitted line (negative: shrinking). */
      readonly slopePerDay: number;
      /** 1: every point on the line; 0: the line explains nothing. A flat series without noise is 1. */
      readonly rSquared: number;
      /** The fitted value at `now`. */
      readonly fittedNow: number;
      readonly capacity: number;
      /** Days from `now` until the line reaches the capacity; 0 when it is there already; null when it never does (flat or shrinking). */
      readonly daysUntilFull: number | null;
    };

export const DEFAULT_MIN_POINTS = 12;
export const DEFAULT_MIN_SPAN_HOURS = 24;

export function forecastExhaustion(points: readonly SeriesPoint[], capacity: number, options: ForecastOptions = {}): Forecast {
  const minPoints = options.minPoints ?? DEFAULT_MIN_POINTS;
  const minSpanHours = options.minSpanHours ?? DEFAULT_MIN_SPAN_HOURS;
  const sorted = [...points].filter((point) => Number.isFinite(point.value)).sort((a, b) => a.at.getTime() - b.at.getTime());
  const first = sorted[0]?.at.getTime() ?? 0;
  const spanHours = sorted.length === 0 ? 0 : (sorted.at(-1)!.at.getTime() - first) / 3_600_000;
  if (sorted.length < minPoints || spanHours < minSpanHours) return { kind: 'not_enough_history', points: sorted.length, spanHours, minPoints, minSpanHours };

  const xs = sorted.map((point) => (point.at.getTime() - first) / 86_400_000);
  const ys = sorted.map((point) => point.value);
  const n = xs.length;
  const meanX = xs.reduce((sum, x) => sum + x, 0) / n;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let index = 0; index < n; index += 1) {
    const dx = xs[index]! - meanX;
    const dy = ys[index]! - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanY - slope * meanX;
  let residual = 0;
  for (let index = 0; index < n; index += 1) residual += (ys[index]! - (intercept + slope * xs[index]!)) ** 2;
  // No variation at all: the line is exact (R² would be 0/0).
  const rSquared = syy === 0 ? 1 : Math.max(0, 1 - residual / syy);
  const nowX = ((options.now ?? sorted.at(-1)!.at).getTime() - first) / 86_400_000;
  const fittedNow = intercept + slope * nowX;
  let daysUntilFull: number | null;
  if (fittedNow >= capacity) daysUntilFull = 0;
  else if (slope <= 0) daysUntilFull = null;
  else daysUntilFull = (capacity - fittedNow) / slope;
  return { kind: 'fit', points: n, spanHours, slopePerDay: slope, rSquared, fittedNow, capacity, daysUntilFull };
}

/** One line for people: "runs out of memory in 23 days at the last 7 days' rate (+1.2 GiB/day, R² 0.93, 168 points)". */
export function describeForecast(what: string, forecast: Forecast, windowDays: number, unit: (value: number) => string): string {
  if (forecast.kind === 'not_enough_history')
    return `${what}: not enough history (${forecast.points} points over ${forecast.spanHours.toFixed(0)} h; a forecast needs ${forecast.minPoints} over ${forecast.minSpanHours} h)`;
  const rate = `${forecast.slopePerDay >= 0 ? '+' : '-'}${unit(Math.abs(forecast.slopePerDay))}/day, fit R² ${forecast.rSquared.toFixed(2)} over ${forecast.points} points`;
  const days = Math.max(1, windowDays).toFixed(0);
  if (forecast.daysUntilFull === 0) return `${what}: at capacity now (${unit(forecast.fittedNow)} of ${unit(forecast.capacity)}; ${rate})`;
  if (forecast.daysUntilFull === null)
    return `${what}: not growing at the last ${days} days' rate (${unit(forecast.fittedNow)} of ${unit(forecast.capacity)}; ${rate})`;
  return `${what}: runs out in ${Math.floor(forecast.daysUntilFull)} days at the last ${days} days' rate (${unit(forecast.fittedNow)} of ${unit(forecast.capacity)}; ${rate})`;
}
