import type { Alert } from '@tansiq/shared';

/** Closed alerts a console keeps when the hub does not say (`keepClosedDays` of `/api/v1/config`). */
export const DEFAULT_KEEP_CLOSED_DAYS = 30;

const CLOSED = new Set<Alert['status']>(['resolved', 'false_alarm']);

/**
 * The ids of alerts this browser may forget: closed (resolved or false alarm) and unchanged for
 * more than `keepDays` days. Open and acknowledged alerts stay whatever their age; the hub keeps
 * every alert, so a forgotten one can still be found there (search, trends, handovers).
 */
export function prunableAlerts(alerts: Iterable<Alert>, now: Date, keepDays: number): string[] {
  const cutoff = now.getTime() - keepDays * 86_400_000;
  const ids: string[] = [];
  for (const a of alerts) if (CLOSED.has(a.status) && Date.parse(a.updatedAt) < cutoff) ids.push(a.id);
  return ids;
}
