import { expect } from 'vitest';
import type { BriefListItem } from '@tansiq/shared';
import type { Call } from './handovers.ts';
import { briefInput, publishBrief } from './briefs.ts';

type Found = { briefs: BriefListItem[]; total: number };

/**
 * The search cases of the studies archive, run on PGlite and on the server: Arabic folded on both
 * sides (article, diacritics, tatweel, alef forms, ى/ي, ة/ه), English stemmed, tags found by name,
 * ranked, snippets marked — and a RED brief of EAST never found or counted by SOUTH.
 * `as` needs analyst, analyst.b, officer.east, officer.south and admin.
 */
export async function searchCases(as: Record<string, Call>): Promise<void> {
  const A = as['analyst']!;
  const B = as['analyst.b']!;
  const publish = (title: string, more: Parameters<typeof briefInput>[0] = {}) =>
    publishBrief(A, B, briefInput({ title, ...more })).then((b) => b.id);
  const inTitle = await publish('التهريب عبر الحدود الجنوبية', { body: 'تقرير ميداني' });
  const diacritics = await publish('دوريات الوقود', { body: 'رصدت الدوريات تَهْرِيبَ الوقود قرب الحدود' });
  const conjunction = await publish('شبكات الجنوب', { body: 'تفكيك شبكات التجنيد والتهريب في الصحراء' });
  const tatweel = await publish('عمليات الصحراء', { body: 'تزايد عمليات تهـــريب السلاح' });
  const migration = await publish('الهجرة غير النظامية عبر الكفرة', { body: 'أعداد المهاجرين في ازدياد' });
  const english = await publish('Fuel smuggling routes near Ghat', {
    language: 'en',
    body: 'Convoys were smuggled at night.',
  });
  const red = await publish('التهريب السري', { tlp: 'RED', recipients: ['EAST'], body: 'للشرق فقط' });
  const alef = await publish('أمن المعابر', { body: 'إجراءات جديدة' });
  const yaa = await publish('الإخلاء الطبي', { body: 'نقل المصابين إلى مستشفى الكفرة' });
  const tagged = await publish('موجز بلا كلمات', {
    body: 'نص قصير',
    tags: ['threat:smuggling', 'region:south'],
  });

  const search = async (who: string, query: string): Promise<Found> => {
    const res = await as[who]!('GET', `/api/v1/briefs?limit=100&${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Found;
  };
  const ids = (f: Found) => f.briefs.map((b) => b.id);
  const q = (s: string) => `q=${encodeURIComponent(s)}`;

  // "تهريب" finds "التهريب", "تَهْرِيبَ", "والتهريب", "تهـــريب" and the smuggling tag's Arabic name.
  const south = await search('officer.south', q('تهريب'));
  expect(ids(south)).toEqual(expect.arrayContaining([inTitle, diacritics, conjunction, tatweel, tagged]));
  expect(ids(south)).not.toContain(migration);
  expect(ids(south)).not.toContain(english);
  // Never found, never counted: SOUTH's total is exactly what it was shown.
  expect(ids(south)).not.toContain(red);
  expect(south.total).toBe(south.briefs.length);
  const east = await search('officer.east', q('تهريب'));
  expect(ids(east)).toContain(red);
  expect(east.total).toBe(south.total + 1);
  expect(await search('officer.south', q('السري'))).toEqual({ briefs: [], total: 0 });
  // Pages: the total stays the same on every page, also past the end.
  const second = await search('officer.south', `${q('تهريب')}&offset=1`);
  expect(second.total).toBe(south.total);
  expect(ids(second)).toEqual(ids(south).slice(1));
  expect(await search('officer.south', `${q('تهريب')}&offset=5000`)).toEqual({
    briefs: [],
    total: south.total,
  });
  expect(ids(await search('analyst', q('السري')))).toEqual([red]);

  // Ranked: a match in the title weighs more than one in the body.
  const order = ids(south);
  expect(order.indexOf(inTitle)).toBeLessThan(order.indexOf(diacritics));
  expect(order.indexOf(inTitle)).toBeLessThan(order.indexOf(conjunction));
  expect(south.briefs[0]!.rank).toBeGreaterThan(0);
  // Snippets mark the words found, as written.
  const snippet = (f: Found, id: string) => f.briefs.find((b) => b.id === id)!.snippet!;
  expect(snippet(south, conjunction)).toContainEqual({ text: 'والتهريب', match: true });
  expect(snippet(south, diacritics)).toContainEqual({ text: 'تَهْرِيبَ', match: true });

  // "هجرة غير نظامية" finds "الهجرة غير النظامية", as words and as a phrase; ة and ه are one.
  expect(ids(await search('officer.south', q('هجرة غير نظامية')))).toEqual([migration]);
  expect(ids(await search('officer.south', q('"هجرة غير نظامية"')))).toEqual([migration]);
  expect(ids(await search('officer.south', q('الهجره')))).toEqual([migration]);
  // أ إ آ are ا; ى is ي.
  expect(ids(await search('officer.south', q('امن')))).toEqual([alef]);
  expect(ids(await search('officer.south', q('مستشفي')))).toEqual([yaa]);
  expect(ids(await search('officer.south', q('اجراءات')))).toEqual([alef]);

  // English is stemmed; the tag's English name is found too.
  expect(ids(await search('officer.south', q('smuggled')))).toEqual(
    expect.arrayContaining([english, tagged]),
  );
  expect(ids(await search('officer.south', q('convoy')))).toEqual([english]);
  // Web-search syntax: a word left out.
  const without = ids(await search('officer.south', q('تهريب -الوقود')));
  expect(without).toContain(inTitle);
  expect(without).not.toContain(diacritics);

  // Filters: tag, TLP, time; the same reach.
  expect(ids(await search('officer.south', 'tag=threat:smuggling'))).toEqual([tagged]);
  expect(ids(await search('officer.south', 'tag=threat:smuggling&tag=region:east'))).toEqual([]);
  expect(ids(await search('officer.east', 'tlp=RED'))).toContain(red);
  expect(ids(await search('officer.south', 'tlp=RED'))).not.toContain(red);
  expect((await search('officer.south', `${q('تهريب')}&from=2199-01-01T00:00:00Z`)).total).toBe(0);
  expect((await as['admin']!('GET', `/api/v1/briefs?${q('تهريب')}`)).status).toBe(403);
}
