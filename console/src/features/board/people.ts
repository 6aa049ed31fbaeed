import {
  peopleBySex,
  peopleByAge,
  peopleSchema,
  peopleSituations,
  type People,
  type PeopleField,
} from '@tansiq/shared';

/** What the people section holds while it is edited: the total may be left to the breakdowns. */
export type PeopleDraft = { total: number | null } & Record<PeopleField, number>;

export const peopleGroups = [
  { key: 'bySex', fields: peopleBySex },
  { key: 'byAge', fields: peopleByAge },
  { key: 'situation', fields: peopleSituations },
] as const;

export function emptyPeople(): PeopleDraft {
  return {
    total: null,
    women: 0,
    men: 0,
    sexUnknown: 0,
    children: 0,
    adults: 0,
    ageUnknown: 0,
    unaccompaniedChildren: 0,
    injured: 0,
    deceased: 0,
    withDisabilities: 0,
    needMedicalCare: 0,
  };
}

export function draftOf(p: People | null | undefined): PeopleDraft {
  return p ? { ...emptyPeople(), ...p } : emptyPeople();
}

const sum = (d: PeopleDraft, keys: readonly PeopleField[]) => keys.reduce((n, k) => n + (d[k] || 0), 0);

/** The total the hub will store: the one typed, else the larger breakdown. */
export function draftTotal(d: PeopleDraft): number {
  return d.total ?? Math.max(sum(d, peopleBySex), sum(d, peopleByAge));
}

/** Nothing entered at all: the alert states no people (which is not the same as "nobody"). */
export function draftIsEmpty(d: PeopleDraft): boolean {
  return d.total === null && draftTotal(d) === 0 && Object.values(d).every((v) => !v);
}

/** The draft checked by the same schema as the hub: the counts to send, or the fields at fault. */
export function checkPeople(
  d: PeopleDraft,
): { ok: true; people: People | undefined } | { ok: false; fields: Array<'total' | PeopleField> } {
  if (draftIsEmpty(d)) return { ok: true, people: undefined };
  const { total, ...counts } = d;
  const parsed = peopleSchema.safeParse({ ...counts, ...(total === null ? {} : { total }) });
  if (parsed.success) return { ok: true, people: parsed.data };
  return {
    ok: false,
    fields: [
      ...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'total') as 'total' | PeopleField)),
    ],
  };
}
