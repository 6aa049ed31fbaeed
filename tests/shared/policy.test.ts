import { describe, expect, test } from 'vitest';
import {
  canAcknowledgeAlert,
  canAdminister,
  canEscalateAlert,
  canRaiseAlert,
  canReadAlert,
  canReadBrief,
  canResolveAlert,
  canUpdateAlert,
  canWriteBrief,
  canWriteHandover,
  handoverAccess,
  handoverListAccess,
  readsBoardFieldsOnly,
  type Principal,
} from '@tansiq/shared';
import {
  alertCases,
  briefCases,
  designHandovers,
  designMayAcknowledge,
  designMayAdminister,
  designMayRaiseAlert,
  designMayResolve,
  designMaySeeAlert,
  designMaySeeBrief,
  designMayUpdate,
  designMayWriteHandover,
} from '../helpers/access-model.ts';
import { testUsers } from '../helpers/users.ts';

const principal = (u: (typeof testUsers)[number]): Principal => ({
  userId: u.username,
  role: u.role,
  centre: u.centre,
});

describe('the policy module against the DESIGN table, every role × centre × case', () => {
  const mismatches: string[] = [];
  const check = (what: string, got: unknown, want: unknown) => {
    if (got !== want) mismatches.push(`${what}: policy ${String(got)}, DESIGN ${String(want)}`);
  };

  test('alerts: read, raise, acknowledge, update, resolve, escalate', () => {
    let checks = 0;
    for (const u of testUsers) {
      const p = principal(u);
      check(`${u.username} raise`, canRaiseAlert(p), designMayRaiseAlert(u));
      for (const a of alertCases()) {
        const label = `${u.username} ${JSON.stringify(a)}`;
        check(`${label} read`, canReadAlert(p, a), designMaySeeAlert(u, a));
        check(`${label} ack`, canAcknowledgeAlert(p, a), designMayAcknowledge(u, a));
        check(`${label} update`, canUpdateAlert(p, a), designMayUpdate(u, a));
        check(`${label} resolve`, canResolveAlert(p, a), designMayResolve(u, a));
        check(`${label} escalate`, canEscalateAlert(p, a), designMayResolve(u, a));
        checks += 5;
      }
    }
    expect(checks).toBe(10 * 60 * 5);
    expect(mismatches).toEqual([]);
  });

  test('handovers, briefs and administration', () => {
    for (const u of testUsers) {
      const p = principal(u);
      for (const centre of ['EAST', 'WEST', 'SOUTH']) {
        check(`${u.username} handovers ${centre}`, handoverAccess(p, centre), designHandovers(u, centre));
        check(
          `${u.username} write handover ${centre}`,
          canWriteHandover(p, centre),
          designMayWriteHandover(u, centre),
        );
      }
      // Handovers at all: the best access DESIGN gives this user over the joint centres.
      const best = ['EAST', 'WEST', 'SOUTH'].map((c) => designHandovers(u, c));
      check(
        `${u.username} handovers at all`,
        handoverListAccess(p),
        best.includes('full') ? 'full' : best.includes('status') ? 'status' : null,
      );
      for (const b of briefCases())
        check(`${u.username} brief ${JSON.stringify(b)}`, canReadBrief(p, b), designMaySeeBrief(u, b));
      check(`${u.username} write brief`, canWriteBrief(p), u.role === 'analyst');
      check(`${u.username} administer`, canAdminister(p), designMayAdminister(u));
      // DESIGN: the board reads "CLEAR/GREEN, board fields only"; every other reader gets the alert.
      check(`${u.username} board fields only`, readsBoardFieldsOnly(p), u.role === 'board');
    }
    expect(mismatches).toEqual([]);
  });
});
