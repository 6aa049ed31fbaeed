import { describe, expect, test } from 'vitest';
import { createAlertSchema, peopleSchema, peopleTotal } from '@tansiq/shared';

const ok = (input: unknown) => peopleSchema.safeParse(input);

describe('people involved: counts only, consistent sums', () => {
  test('missing fields are 0; without a total the larger breakdown is the total', () => {
    const p = ok({
      women: 3,
      men: 5,
      sexUnknown: 2,
      children: 4,
      adults: 6,
      unaccompaniedChildren: 1,
      needMedicalCare: 2,
    });
    expect(p.success).toBe(true);
    expect(p.data).toMatchObject({ ageUnknown: 0, injured: 0, deceased: 0, withDisabilities: 0 });
    expect(peopleTotal(p.data!)).toBe(10);
    expect(p.data!.total).toBe(10);
    // The breakdowns may leave persons not yet told apart: each is at most the total.
    const partial = ok({ total: 40, women: 12, children: 5, injured: 3 });
    expect(partial.success).toBe(true);
    expect(partial.data).toMatchObject({ total: 40, women: 12, men: 0, children: 5 });
    expect(ok({ women: 3, men: 2, children: 4 }).data!.total).toBe(5);
    expect(ok({ total: 10, women: 4, men: 6, children: 3, adults: 7 }).success).toBe(true);
    // Only one way of counting is known: the other stays empty.
    expect(ok({ women: 2, withDisabilities: 1 }).success).toBe(true);
    expect(ok({ children: 7, unaccompaniedChildren: 7 }).success).toBe(true);
    expect(ok({}).success).toBe(true);
  });

  test.each([
    ['a negative count', { women: -1 }],
    ['a fraction', { men: 1.5 }],
    ['a number as text', { women: '3' }],
    ['free text', { women: 'three women from Agadez' }],
    ['a name in an unknown field', { women: 1, names: 'Fatima' }],
    ['a note', { note: 'injured at the fence' }],
    ['an absurd number', { men: 1e9 }],
    ['by sex over the stated total', { total: 4, women: 3, men: 2 }],
    ['by age over the stated total', { total: 4, children: 1, adults: 3, ageUnknown: 1 }],
    ['a situation over the stated total', { total: 2, needMedicalCare: 3 }],
    ['a total as text', { total: 'about forty' }],
    ['a negative total', { total: -1 }],
    [
      'more unaccompanied children than children',
      { children: 2, adults: 1, women: 3, unaccompaniedChildren: 3 },
    ],
    ['more injured than persons', { men: 2, injured: 3 }],
    ['deceased with nobody counted', { deceased: 1 }],
    ['an array', [1, 2]],
    ['a string', 'ten people'],
  ])('refuses %s', (_name, input) => {
    expect(ok(input).success).toBe(false);
  });

  test('an alert takes them on every category, and refuses them malformed', () => {
    const alert = {
      category: 'smuggling',
      severity: 'low',
      title: 't',
      location: { lat: 25, lng: 15 },
      tlp: 'GREEN',
      recipients: [],
    };
    expect(createAlertSchema.safeParse({ ...alert, people: { men: 2, adults: 2 } }).success).toBe(true);
    expect(createAlertSchema.safeParse(alert).success).toBe(true);
    expect(createAlertSchema.safeParse({ ...alert, people: { men: 'two' } }).success).toBe(false);
  });
});
