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

/** Above any group a border post reports at once; a larger number is a typing error. */
export const PEOPLE_MAX = 100_000;

const headcount = z.number().int().min(0).max(PEOPLE_MAX);

/** The persons an alert counts: the larger of the two ways of counting them. */
export function peopleTotal(p: Record<PeopleField, number>): number {
  const sum = (keys: readonly PeopleField[]) => keys.reduce((n, k) => n + p[k], 0);
  return Math.max(sum(peopleBySex), sum(peopleByAge));
}

/**
 * `people` on an alert: every field a whole number from 0 (missing = 0), nothing else accepted (no
 * free text, ever). Consistent sums: unaccompanied children are children; no situation counts more
 * persons than the alert does; when both ways of counting are filled in, they agree (the unknown
 * buckets take whoever cannot be told).
 */
export const peopleSchema = z
  .strictObject(
    Object.fromEntries(peopleFields.map((k) => [k, headcount.default(0)])) as Record<
      PeopleField,
      z.ZodDefault<typeof headcount>
    >,
  )
  .superRefine((p, ctx) => {
    const bySex = peopleBySex.reduce((n, k) => n + p[k], 0);
    const byAge = peopleByAge.reduce((n, k) => n + p[k], 0);
    const total = Math.max(bySex, byAge);
    if (bySex > 0 && byAge > 0 && bySex !== byAge)
      ctx.addIssue({
        code: 'custom',
        path: ['ageUnknown'],
        message: `by sex (${bySex}) and by age (${byAge}) must count the same persons`,
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
  });
export type People = z.infer<typeof peopleSchema>;

/** People as the hub sends them (already checked when they came in). */
export const peopleCountsSchema = z.object(
  Object.fromEntries(peopleFields.map((k) => [k, z.number().int()])) as Record<PeopleField, z.ZodNumber>,
);
