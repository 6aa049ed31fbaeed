import type { BriefStatus, Tlp } from '@tansiq/shared';
import type { TestUser } from './users.ts';

/**
 * DESIGN.md's access table and TLP 2.0 definitions, written out again here in the tests' own words,
 * independent of shared/src/policy.ts and of the SQL policies, so that all three are checked against it.
 */
export interface SharedThing {
  centre: string;
  tlp: Tlp;
  recipients: string[];
}

const origin = (u: TestUser, a: SharedThing) => u.centre === a.centre;
const named = (u: TestUser, a: { recipients: string[] }) =>
  u.centre !== null && a.recipients.includes(u.centre);
const centreStaff = (u: TestUser) => u.role === 'officer' || u.role === 'supervisor';

/** TLP: CLEAR anyone; GREEN all Tansiq users; AMBER origin, recipients, analysts, coordinators; RED origin and named recipients. */
export function designMaySeeAlert(u: TestUser, a: SharedThing): boolean {
  if (u.role === 'admin') return false; // no operational content
  if (u.role === 'board') return a.tlp === 'CLEAR' || a.tlp === 'GREEN';
  switch (a.tlp) {
    case 'CLEAR':
    case 'GREEN':
      return true;
    case 'AMBER':
      return origin(u, a) || named(u, a) || u.role === 'analyst' || u.role === 'coordinator';
    case 'RED':
      return origin(u, a) || named(u, a);
  }
}

export const designMayRaiseAlert = (u: TestUser) => centreStaff(u);
export const designMayAcknowledge = (u: TestUser, a: SharedThing) => centreStaff(u) && named(u, a);
export const designMayUpdate = (u: TestUser, a: SharedThing) =>
  (centreStaff(u) || u.role === 'analyst') && designMaySeeAlert(u, a);
export const designMayResolve = (u: TestUser, a: SharedThing) => u.role === 'supervisor' && origin(u, a);

export function designHandovers(u: TestUser, centre: string): 'full' | 'status' | null {
  if (centreStaff(u)) return u.centre === centre ? 'full' : null;
  if (u.role === 'coordinator') return 'full';
  if (u.role === 'board') return 'status';
  return null;
}
export const designMayWriteHandover = (u: TestUser, centre: string) =>
  u.role === 'supervisor' && u.centre === centre;

export interface BriefThing {
  status: BriefStatus;
  tlp: Tlp;
  recipients: string[];
}

/** Analysts write and review all briefs; others read published ones within sharing; boards CLEAR only. */
export function designMaySeeBrief(u: TestUser, b: BriefThing): boolean {
  if (u.role === 'admin') return false;
  if (u.role === 'analyst') return true;
  if (u.role === 'board') return b.status === 'published' && b.tlp === 'CLEAR';
  if (b.status !== 'published' && b.status !== 'superseded') return false;
  switch (b.tlp) {
    case 'CLEAR':
    case 'GREEN':
      return true;
    case 'AMBER':
      return named(u, b) || u.role === 'coordinator';
    case 'RED':
      return named(u, b);
  }
}

export const designMayAdminister = (u: TestUser) => u.role === 'admin';

const tlps: Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'RED'];

/** Every origin × TLP × a spread of recipient lists (including none). */
export function alertCases(): SharedThing[] {
  const recipientSets = [[], ['WEST'], ['EAST', 'SOUTH'], ['STUDIES'], ['EAST', 'WEST', 'SOUTH', 'STUDIES']];
  return ['EAST', 'WEST', 'SOUTH'].flatMap((centre) =>
    tlps.flatMap((tlp) => recipientSets.map((recipients) => ({ centre, tlp, recipients }))),
  );
}

export function briefCases(): BriefThing[] {
  const statuses: BriefStatus[] = ['draft', 'in_review', 'approved', 'published', 'superseded'];
  const recipientSets = [[], ['EAST'], ['WEST', 'SOUTH'], ['EAST', 'WEST', 'SOUTH']];
  return statuses.flatMap((status) =>
    tlps.flatMap((tlp) => recipientSets.map((recipients) => ({ status, tlp, recipients }))),
  );
}

export interface MeetingThing {
  tlp: Tlp;
  /** The participating centres. */
  centres: string[];
}

/**
 * Meetings: centre staff read those of their own centre (and, by TLP, CLEAR and GREEN ones),
 * analysts read (all but RED without the studies centre), coordinators hold them, boards see
 * CLEAR/GREEN titles, administrators nothing.
 */
export function designMaySeeMeeting(u: TestUser, m: MeetingThing): boolean {
  if (u.role === 'admin') return false;
  if (u.role === 'coordinator') return true;
  if (u.role === 'board') return m.tlp === 'CLEAR' || m.tlp === 'GREEN';
  if (m.tlp === 'CLEAR' || m.tlp === 'GREEN') return true;
  if (u.centre !== null && m.centres.includes(u.centre)) return true;
  return u.role === 'analyst' && m.tlp === 'AMBER';
}
export const designMayWriteMeetings = (u: TestUser) => u.role === 'coordinator';
/** Action items: the owning centre's supervisors mark done; coordinators create, edit and close. */
export const designMayMarkDone = (u: TestUser, owner: string, m: MeetingThing) =>
  u.role === 'coordinator' || (u.role === 'supervisor' && u.centre === owner && designMaySeeMeeting(u, m));
