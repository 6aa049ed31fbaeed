import type { CarriedItem, Handover, HandoverContent, Signatory } from '@tansiq/shared';

/**
 * What a centre's next handover carries from its last accepted one: everything that handover
 * carried and nobody cleared, its flagged events and resources, and all its tasks (pending until
 * cleared). An item keeps its id, so a clearing can be matched across drafts.
 */
export function carriedFrom(
  last: Pick<Handover, 'id' | 'shiftStart' | 'content' | 'carried'> | null,
): CarriedItem[] {
  if (!last) return [];
  const from = { fromHandoverId: last.id, since: last.shiftStart, cleared: null };
  return [
    ...last.carried.filter((c) => c.cleared === null).map((c) => ({ ...c, cleared: null })),
    ...last.content.events
      .filter((e) => e.flagged)
      .map((e): CarriedItem => ({
        id: e.id,
        kind: 'event',
        text: e.text,
        state: null,
        flagged: true,
        ...from,
      })),
    ...last.content.resources
      .filter((r) => r.flagged)
      .map((r): CarriedItem => ({
        id: r.id,
        kind: 'resource',
        text: r.note ? `${r.name} — ${r.note}` : r.name,
        state: r.state,
        flagged: true,
        ...from,
      })),
    ...last.content.tasks.map((t): CarriedItem => ({
      id: t.id,
      kind: 'task',
      text: t.text,
      state: null,
      flagged: t.flagged,
      ...from,
    })),
  ];
}

/**
 * The carried items with the draft's clearings applied: an id newly in `content.cleared` is
 * stamped with who and when, an id taken out loses its stamp, an earlier stamp stays as it was.
 */
export function applyClearings(
  base: CarriedItem[],
  previous: CarriedItem[],
  content: HandoverContent,
  by: Signatory,
  at: Date,
): CarriedItem[] {
  const wanted = new Set(content.cleared);
  const stamps = new Map(previous.map((c) => [c.id, c.cleared]));
  return base.map((c) => {
    if (!wanted.has(c.id)) return { ...c, cleared: null };
    return { ...c, cleared: stamps.get(c.id) ?? { by, at: at.toISOString() } };
  });
}
