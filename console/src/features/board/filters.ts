import type { Alert, AlertCategory, Severity } from '@tansiq/shared';

export interface BoardFilters {
  /** 'active' = open or acknowledged. */
  status: 'active' | 'all' | Alert['status'];
  severity: Severity | 'all';
  category: AlertCategory | 'all';
  centre: string | 'all';
}

export const defaultFilters = (): BoardFilters => ({
  status: 'active',
  severity: 'all',
  category: 'all',
  centre: 'all',
});

export function matches(a: Alert, f: BoardFilters): boolean {
  if (
    f.status === 'active'
      ? a.status !== 'open' && a.status !== 'acknowledged'
      : f.status !== 'all' && a.status !== f.status
  )
    return false;
  if (f.severity !== 'all' && a.severity !== f.severity) return false;
  if (f.category !== 'all' && a.category !== f.category) return false;
  // A centre filter keeps alerts the centre raised or receives.
  if (f.centre !== 'all' && a.centre !== f.centre && !a.recipients.includes(f.centre)) return false;
  return true;
}
