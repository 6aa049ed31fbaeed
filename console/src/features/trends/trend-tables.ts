import {
  peopleByAge,
  peopleBySex,
  peopleSituations,
  type AckTrendRow,
  type PeopleColumn,
  type TrendRow,
} from '@tansiq/shared';

/**
 * Okabe and Ito's palette, told apart with every common colour-vision deficiency; the grey takes a
 * ninth series. Charts use these in order.
 */
export const palette = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
  '#999999',
] as const;

/** One line of a chart and a column of its table. */
export interface Series {
  key: string;
  label: string;
  colour: string;
  values: number[];
}

/** A trend as the chart and the table both show it: periods down, one series per key. */
export interface TrendTable {
  periods: string[];
  series: Series[];
  /** Per period, the sum of the series. */
  totals: number[];
}

function pivot(
  rows: readonly TrendRow[],
  keys: readonly string[],
  value: (row: TrendRow, key: string) => number,
  label: (key: string) => string,
): TrendTable {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const series = keys.map((key, i) => ({
    key,
    label: label(key),
    colour: palette[i % palette.length]!,
    values: periods.map((p) => rows.filter((r) => r.period === p).reduce((n, r) => n + value(r, key), 0)),
  }));
  const totals = periods.map((_, i) => series.reduce((n, s) => n + s.values[i]!, 0));
  return { periods, series, totals };
}

/** Alerts per period and key (category, centre, sector or crossing). */
export function alertsTable(rows: readonly TrendRow[], label: (key: string) => string): TrendTable {
  const keys = [...new Set(rows.map((r) => r.key))].sort((a, b) => label(a).localeCompare(label(b)));
  return pivot(rows, keys, (r, key) => (r.key === key ? r.alerts : 0), label);
}

export const peopleViews = {
  bySex: peopleBySex,
  byAge: peopleByAge,
  situation: peopleSituations,
} as const;
export type PeopleView = keyof typeof peopleViews;

/** Persons involved per period (all keys together), by sex, age group or situation. */
export function peopleTable(
  rows: readonly TrendRow[],
  view: PeopleView,
  label: (field: PeopleColumn) => string,
): TrendTable {
  const fields = peopleViews[view];
  return pivot(
    rows,
    fields,
    (r, f) => r.people[f as PeopleColumn],
    (f) => label(f as PeopleColumn),
  );
}

/** The persons in all, per period (the stated totals, which may be more than a breakdown). */
export function peopleTotals(rows: readonly TrendRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.period, (out.get(r.period) ?? 0) + r.people.total);
  return out;
}

/** Median minutes to acknowledge per period and centre (the chart); the table adds p90 and counts. */
export function ackTable(rows: readonly AckTrendRow[], label: (centre: string) => string): TrendTable {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const centres = [...new Set(rows.map((r) => r.centre))].sort();
  const series = centres.map((c, i) => ({
    key: c,
    label: label(c),
    colour: palette[i % palette.length]!,
    values: periods.map((p) => {
      const row = rows.find((r) => r.period === p && r.centre === c);
      return row?.medianSeconds == null ? 0 : Math.round(row.medianSeconds / 6) / 10;
    }),
  }));
  return { periods, series, totals: [] };
}
