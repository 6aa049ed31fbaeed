import { describe, expect, test } from 'vitest';
import { parseShifts, schema, ShiftCalendar } from '@tansiq/hub-server';
import { startTestHub } from '../helpers/hub.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

describe('shift calendar', () => {
  const tripoli = new ShiftCalendar('08:00,20:00', 'Africa/Tripoli');

  test('change times cover the day, read in Africa/Tripoli (UTC+2)', () => {
    const noon = new Date('2026-11-30T10:00:00Z'); // 12:00 in Tripoli
    expect(iso(tripoli.current(noon)?.start)).toBe('2026-11-30T06:00:00.000Z');
    expect(iso(tripoli.current(noon)?.end)).toBe('2026-11-30T18:00:00.000Z');
    expect(iso(tripoli.previous(noon).start)).toBe('2026-11-29T18:00:00.000Z');
    const night = new Date('2026-11-30T23:30:00Z'); // 01:30 the next day in Tripoli
    expect(iso(tripoli.current(night)?.start)).toBe('2026-11-30T18:00:00.000Z');
    expect(iso(tripoli.current(night)?.end)).toBe('2026-12-01T06:00:00.000Z');
    // At the change itself, the new shift is on and the old one has ended.
    const change = new Date('2026-11-30T18:00:00Z');
    expect(iso(tripoli.current(change)?.start)).toBe('2026-11-30T18:00:00.000Z');
    expect(iso(tripoli.previous(change).end)).toBe('2026-11-30T18:00:00.000Z');
  });

  test('explicit shifts leave the rest of the day off shift', () => {
    const calendar = new ShiftCalendar('07:00-15:00,15:00-23:00', 'Africa/Tripoli');
    const late = new Date('2026-11-30T21:30:00Z'); // 23:30 in Tripoli
    expect(calendar.current(late)).toBeNull();
    expect(iso(calendar.previous(late).start)).toBe('2026-11-30T13:00:00.000Z');
    expect(iso(calendar.current(new Date('2026-11-30T12:00:00Z'))?.start)).toBe('2026-11-30T05:00:00.000Z');
  });

  test('a daylight-saving change is the date library’s job: the night shift is an hour shorter', () => {
    const rome = new ShiftCalendar('00:00,12:00', 'Europe/Rome');
    const shift = rome.current(new Date('2026-03-29T05:00:00Z'))!;
    expect(iso(shift.start)).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(shift.end)).toBe('2026-03-29T10:00:00.000Z');
  });

  test.each(['', '25:00', '08:00-08:00-09:00', '07:00-15:00,14:00-22:00', '20:00-09:00,08:00-12:00'])(
    '%j is refused',
    (spec) => {
      expect(() => parseShifts(spec)).toThrow();
    },
  );
});

test('centre presence calls a centre silent only while one of its shifts is on', async () => {
  // One shift, 10:00–11:00 in Tripoli (08:00–09:00 UTC); the test moves the hub's clock.
  let now = new Date('2026-11-30T12:00:00Z');
  const t = await startTestHub({
    config: {
      TANSIQ_SHIFTS: '10:00-11:00',
      TANSIQ_CENTRE_SILENT_AFTER: '5',
      TANSIQ_WORKER_INTERVAL_MS: '60000',
      TANSIQ_HANDOVER_GRACE_MINUTES: '1440',
    },
    clock: () => now,
  });
  try {
    await seedUsers(t.database);
    const coordinator = new LiveClient(t.url, (await login(t.url, 'coordinator')).accessToken);
    await coordinator.ready();
    await t.hub.workers.tick();
    await t.database.db.update(schema.centrePresence).set({ lastSeenAt: new Date(Date.now() - 60_000) });
    await t.hub.workers.tick();
    // Off shift, nobody is expected: no silence, and the clock of silence starts again.
    await coordinator.resume();
    expect(coordinator.ofType('centre:silent')).toEqual([]);
    now = new Date('2026-12-01T08:30:00Z');
    // The shift's first round starts the clock of silence; a minute later (moved back in the rows)…
    await t.hub.workers.tick();
    expect(coordinator.ofType('centre:silent')).toEqual([]);
    await t.database.db.update(schema.centrePresence).set({ lastSeenAt: new Date(Date.now() - 60_000) });
    await t.hub.workers.tick();
    await coordinator.until((e) => e.filter((x) => x.type === 'centre:silent').length === 3);
    coordinator.close();
  } finally {
    await t.close();
  }
});
