import { describe, expect, test } from 'vitest';
import { impactLevelOf, impactWeight, type Alert } from '@tansiq/shared';
import { defaultFilters, matches } from '../../console/src/features/board/filters.ts';

const alert = (over: Partial<Alert>): Alert => ({
  id: '00000000-0000-4000-8000-000000000001',
  centre: 'EAST',
  category: 'smuggling',
  severity: 'high',
  title: 't',
  description: '',
  location: { lat: 30, lng: 20 },
  crossing: null,
  sector: null,
  observedAt: '2026-11-22T05:00:00.000Z',
  reporterId: 'u',
  tlp: 'AMBER',
  recipients: ['WEST'],
  status: 'open',
  createdAt: '2026-11-22T05:00:00.000Z',
  updatedAt: '2026-11-22T05:00:00.000Z',
  receipts: [],
  ...over,
});

describe('board filters', () => {
  test('the default shows open and acknowledged alerts, not closed ones', () => {
    const f = defaultFilters();
    expect(matches(alert({ status: 'open' }), f)).toBe(true);
    expect(matches(alert({ status: 'acknowledged' }), f)).toBe(true);
    expect(matches(alert({ status: 'resolved' }), f)).toBe(false);
    expect(matches(alert({ status: 'false_alarm' }), f)).toBe(false);
    expect(matches(alert({ status: 'resolved' }), { ...f, status: 'all' })).toBe(true);
    expect(matches(alert({ status: 'open' }), { ...f, status: 'resolved' })).toBe(false);
  });

  test('severity and category match exactly; a centre matches what it raised or receives', () => {
    const f = defaultFilters();
    expect(matches(alert({ severity: 'low' }), { ...f, severity: 'high' })).toBe(false);
    expect(matches(alert({ category: 'weapons' }), { ...f, category: 'weapons' })).toBe(true);
    expect(matches(alert({ category: 'weapons' }), { ...f, category: 'terrorism' })).toBe(false);
    expect(matches(alert({}), { ...f, centre: 'EAST' })).toBe(true);
    expect(matches(alert({}), { ...f, centre: 'WEST' })).toBe(true);
    expect(matches(alert({}), { ...f, centre: 'SOUTH' })).toBe(false);
  });
});

describe('sector impact levels', () => {
  test('one critical or two high make high; one high or two medium make medium; else low', () => {
    const score = (...s: (keyof typeof impactWeight)[]) => s.reduce((n, x) => n + impactWeight[x], 0);
    expect(impactLevelOf(score('critical'))).toBe('high');
    expect(impactLevelOf(score('high', 'high'))).toBe('high');
    expect(impactLevelOf(score('high'))).toBe('medium');
    expect(impactLevelOf(score('medium', 'medium'))).toBe('medium');
    expect(impactLevelOf(score('medium', 'low', 'info', 'info'))).toBe('low');
    expect(impactLevelOf(0)).toBe('low');
  });
});
