import { describe, expect, test } from 'vitest';
import type { Alert } from '@tansiq/shared';
import { prunableAlerts } from '../../console/src/features/live/retention.ts';

const now = new Date('2026-12-05T12:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const alert = (id: string, status: Alert['status'], updatedAt: string) =>
  ({ id, status, updatedAt }) as Alert;

describe('which cached alerts a console forgets', () => {
  test('closed ones unchanged for longer than the retention age; never an open or acknowledged one', () => {
    const alerts = [
      alert('resolved-old', 'resolved', daysAgo(31)),
      alert('false-alarm-old', 'false_alarm', daysAgo(400)),
      alert('resolved-recent', 'resolved', daysAgo(29)),
      alert('open-old', 'open', daysAgo(400)),
      alert('acknowledged-old', 'acknowledged', daysAgo(400)),
    ];
    expect(prunableAlerts(alerts, now, 30).sort()).toEqual(['false-alarm-old', 'resolved-old']);
    expect(prunableAlerts(alerts, now, 500)).toEqual([]);
    expect(prunableAlerts(alerts, now, 1).sort()).toEqual([
      'false-alarm-old',
      'resolved-old',
      'resolved-recent',
    ]);
  });
});
