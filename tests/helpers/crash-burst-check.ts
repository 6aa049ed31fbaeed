import { expect } from 'vitest';
import type { Alert } from '@tansiq/shared';
import type { BurstResult } from './crash-burst.ts';

/** The receivers of a crash burst and what they may read of EAST's alerts to WEST (DESIGN's table). */
export const burstReceivers = ['officer.west', 'analyst', 'coordinator', 'officer.south'];
export const mayRead: Record<string, (tlp: string) => boolean> = {
  'officer.west': () => true,
  analyst: (tlp) => tlp !== 'RED',
  coordinator: (tlp) => tlp !== 'RED',
  'officer.south': () => false,
};

/** After a crash burst: every receiver holds every alert it may see exactly once, in sequence order. */
export function expectEveryAlertOnce(result: BurstResult, tlpOf: Map<string, string>): void {
  for (const [name, client] of result.receivers) {
    expect(client.anomalies, name).toEqual([]);
    const seqs = client.applied.map((e) => e.seq);
    expect(seqs, `${name} in order`).toEqual([...seqs].sort((a, b) => a - b));
    const created = client.ofType('alert:created').map((e) => (e.data as { alert: Alert }).alert.id);
    expect(new Set(created).size, `${name} no duplicates`).toBe(created.length);
    const expected = result.ids.filter((id) => mayRead[name]!(tlpOf.get(id)!)).sort();
    expect([...created].sort(), `${name} every alert`).toEqual(expected);
    client.close();
  }
}
