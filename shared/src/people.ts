import { z } from 'zod';

/**
 * The people involved in an alert: counts only, never names or anything that identifies a person.
 * By sex (women, men, unknown) and by age group (children under 18, adults, unknown) — the same
 * persons counted two ways — and by situation.
 */
export const peopleBySex = ['women', 'men', 'sexUnknown'] as const;
export const peopleByAge = ['children', 'adults', 'ageUnknown'] as const;
export const peopleSituations = [
  'unaccompaniedChildren',
  'injured',
  'deceased',
  'withDisabilities',
  'needMedicalCare',
] as const;
export const peopleFields = [...peopleBySex, ...peopleByAge, ...peopleSituations] as const;
export type PeopleField = (typeof peopleFields)[number];

/** Categories where the people involved are the heart of the report (the composer opens their section). */
export const peopleFirstCategories: readonly string[] = [
  'irregular_migration',
  'trafficking',
  'humanitarian',
];

/** Above any group a border post reports at once; a larger number is a typing error. */
export const PEOPLE_MAX = 100_000;

const headcount = z.number().int().min(0).max(PEOPLE_MAX);

const sum = (p: Record<PeopleField, number>, keys: readonly PeopleField[]) =>
  keys.reduce((n, k) => n + p[k], 0);

/** The persons an alert counts: its stated total. */
export function peopleTotal(p: { total: number }): number {
  return p.total;
}

/**
 * `people` on an alert: `total` (the persons involved) and every other field a whole number from 0
 * (missing = 0), nothing else accepted (no free text, ever). Without `total` the hub takes the larger
 * of the two breakdowns. Consistent sums: neither the count by sex nor the count by age is over the
 * total (what they leave is not known yet); unaccompanied children are children; no situation counts
 * more persons than the total.
 */
export const peopleSchema = z
  .strictObject({
    total: headcount.optional(),
    ...(Object.fromEntries(peopleFields.map((k) => [k, headcount.default(0)])) as Record<
      PeopleField,
      z.ZodDefault<typeof headcount>
    >),
  })
  .superRefine((p, ctx) => {
    const bySex = sum(p, peopleBySex);
    const byAge = sum(p, peopleByAge);
    const total = p.total ?? Math.max(bySex, byAge);
    if (bySex > total)
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `women, men and unknown sex (${bySex}) are more than the total (${total})`,
      });
    if (byAge > total)
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: `children, adults and unknown age (${byAge}) are more than the total (${total})`,
      });
    if (p.unaccompaniedChildren > p.children && byAge > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['unaccompaniedChildren'],
        message: 'unaccompanied children cannot outnumber the children',
      });
    for (const k of peopleSituations)
      if (p[k] > total)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `${k} cannot outnumber the persons involved (${total})`,
        });
  })
  .transform((p) => ({ ...p, total: p.total ?? Math.max(sum(p, peopleBySex), sum(p, peopleByAge)) }));
export type People = z.infer<typeof peopleSchema>;
export type PeopleInput = z.input<typeof peopleSchema>;

/** Every count a `people` object carries, the total first (columns of exports and trends). */
export const peopleColumns = ['total', ...peopleFields] as const;
export type PeopleColumn = (typeof peopleColumns)[number];

/** People as the hub sends them (already checked when they came in). */
export const peopleCountsSchema = z.object(
  Object.fromEntries(peopleColumns.map((k) => [k, z.number().int()])) as Record<PeopleColumn, z.ZodNumber>,
);
