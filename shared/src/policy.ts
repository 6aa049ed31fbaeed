import type { Role, Tlp } from './domain.ts';
import type { BriefStatus } from './briefs.ts';

/**
 * The access table of DESIGN.md as pure functions. The hub calls them for every route and socket
 * event (through hub-server/src/access); the console calls them to hide what a user may not do.
 * PostgreSQL row-level security repeats the two read rules (tansiq_can_read_alert/_brief); a test
 * checks that both walls agree.
 */
export interface Principal {
  userId: string;
  role: Role;
  /** EAST/WEST/SOUTH for officers and supervisors, STUDIES for analysts, null otherwise. */
  centre: string | null;
}

/** What sharing decisions look at: origin centre, TLP and named recipient centres. */
export interface Shared {
  centre: string;
  tlp: Tlp;
  recipients: readonly string[];
}

const isCentreStaff = (p: Principal) => p.role === 'officer' || p.role === 'supervisor';
const addressedTo = (s: Pick<Shared, 'recipients'>, centre: string | null) =>
  centre !== null && s.recipients.includes(centre);
const isOpenTlp = (tlp: Tlp) => tlp === 'CLEAR' || tlp === 'GREEN';

export function canReadAlert(p: Principal, a: Shared): boolean {
  switch (p.role) {
    case 'officer':
    case 'supervisor':
      return isOpenTlp(a.tlp) || a.centre === p.centre || addressedTo(a, p.centre);
    case 'analyst':
      return a.tlp !== 'RED' || a.centre === p.centre || addressedTo(a, p.centre);
    case 'coordinator':
      return a.tlp !== 'RED';
    case 'board':
      return isOpenTlp(a.tlp);
    case 'admin':
      return false;
  }
}

/** A board screen reads the board fields of the alerts it may read, never their detail or timeline. */
export function readsBoardFieldsOnly(p: Pick<Principal, 'role'>): boolean {
  return p.role === 'board';
}

export function canRaiseAlert(p: Principal): boolean {
  return isCentreStaff(p) && p.centre !== null;
}

/** Acknowledge on behalf of the caller's own centre, which must be a recipient. */
export function canAcknowledgeAlert(p: Principal, a: Shared): boolean {
  return isCentreStaff(p) && addressedTo(a, p.centre) && canReadAlert(p, a);
}

export function canUpdateAlert(p: Principal, a: Shared): boolean {
  return (isCentreStaff(p) || p.role === 'analyst') && canReadAlert(p, a);
}

/** The people involved are the origin centre's facts: its officers and supervisors change them. */
export function canSetAlertPeople(p: Principal, a: Shared): boolean {
  return isCentreStaff(p) && a.centre === p.centre;
}

export function canResolveAlert(p: Principal, a: Shared): boolean {
  return p.role === 'supervisor' && a.centre === p.centre;
}

export const canEscalateAlert = canResolveAlert;

/** Reopening a closed alert is its centre's supervisors' decision too (within the hub's window). */
export const canReopenAlert = canResolveAlert;

/** 'full' to read handovers, 'status' for the board's status-only view, or none. */
export function handoverAccess(p: Principal, centre: string): 'full' | 'status' | null {
  if (isCentreStaff(p)) return p.centre === centre ? 'full' : null;
  if (p.role === 'coordinator') return 'full';
  if (p.role === 'board') return 'status';
  return null;
}

/** What a user sees of handovers at all (lists, the status of centres): as for their own centre, or for every centre. */
export function handoverListAccess(p: Principal): 'full' | 'status' | null {
  return handoverAccess(p, p.centre ?? '');
}

/** Draft, submit and accept handovers: supervisors, for their own centre. */
export function canWriteHandover(p: Principal, centre: string): boolean {
  return p.role === 'supervisor' && p.centre === centre;
}

export interface BriefSharing {
  status: BriefStatus;
  tlp: Tlp;
  recipients: readonly string[];
}

export function canReadBrief(p: Principal, b: BriefSharing): boolean {
  const released = b.status === 'published' || b.status === 'superseded';
  switch (p.role) {
    case 'analyst':
      return true;
    case 'officer':
    case 'supervisor':
      return released && (isOpenTlp(b.tlp) || addressedTo(b, p.centre));
    case 'coordinator':
      return released && b.tlp !== 'RED';
    case 'board':
      return b.status === 'published' && b.tlp === 'CLEAR';
    case 'admin':
      return false;
  }
}

/** What a user sees of the studies archive: whole briefs, the titles of CLEAR ones (boards), or nothing (admins). */
export function briefListAccess(p: Pick<Principal, 'role'>): 'full' | 'titles' | null {
  if (p.role === 'admin') return null;
  return p.role === 'board' ? 'titles' : 'full';
}

/** Write, review and publish briefs. */
export function canWriteBrief(p: Principal): boolean {
  return p.role === 'analyst';
}

/** Trends and exports: analysts and coordinators, computed from what they may read. */
export function canSeeTrends(p: Pick<Principal, 'role'>): boolean {
  return p.role === 'analyst' || p.role === 'coordinator';
}

/** Users, centres and the audit log. */
export function canAdminister(p: Principal): boolean {
  return p.role === 'admin';
}

/** What sharing decisions about a meeting (and its decisions and action items) look at. */
export interface MeetingSharing {
  tlp: Tlp;
  /** The participating centres: a meeting's recipients. */
  centres: readonly string[];
}

/**
 * Meetings follow TLP with the participating centres as recipients: their staff read them (and
 * every staff member reads CLEAR and GREEN ones), analysts all but RED meetings the studies centre
 * does not take part in, coordinators all (they hold them), boards CLEAR and GREEN titles.
 */
export function canReadMeeting(p: Principal, m: MeetingSharing): boolean {
  const participates = p.centre !== null && m.centres.includes(p.centre);
  switch (p.role) {
    case 'officer':
    case 'supervisor':
      return isOpenTlp(m.tlp) || participates;
    case 'analyst':
      return m.tlp !== 'RED' || participates;
    case 'coordinator':
      return true;
    case 'board':
      return isOpenTlp(m.tlp);
    case 'admin':
      return false;
  }
}

/** A board screen reads a meeting's title and time, never its agenda, decisions or actions. */
export const readsMeetingTitlesOnly = readsBoardFieldsOnly;

/** Schedule and edit meetings, record decisions, create, edit and close action items. */
export function canWriteMeetings(p: Pick<Principal, 'role'>): boolean {
  return p.role === 'coordinator';
}

/** Mark an action item done: its owning centre's supervisors, or a coordinator closing it. */
export function canMarkActionDone(p: Principal, a: { centre: string } & MeetingSharing): boolean {
  if (p.role === 'coordinator') return true;
  return p.role === 'supervisor' && p.centre === a.centre && canReadMeeting(p, a);
}

/** The wall board's snapshot: boards and coordinators. */
export function canReadBoard(p: Pick<Principal, 'role'>): boolean {
  return p.role === 'board' || p.role === 'coordinator';
}

/** Acknowledgement performance per centre: coordinators (and analysts, who study it). */
export function canSeePerformance(p: Pick<Principal, 'role'>): boolean {
  return p.role === 'coordinator' || p.role === 'analyst';
}

/** Which roles belong to a centre, and of which kind. */
export function centreKindFor(role: Role): 'joint' | 'studies' | null {
  if (role === 'officer' || role === 'supervisor') return 'joint';
  if (role === 'analyst') return 'studies';
  return null;
}

/** What decides who may read an event of the log. */
export interface EventSharing {
  audience: 'alert' | 'handover' | 'brief' | 'meeting' | 'action' | 'staff' | 'hub';
  centre: string | null;
  tlp: string | null;
  recipients: readonly string[];
}

/**
 * Alert events are readable as their alert is; handover events as their centre's handovers are
 * (the board's copy is status only); brief events as the published brief; staff events (centre:silent/back) by every role but admin;
 * meeting and action events as their meeting (`recipients` are its participating centres; a board
 * gets a meeting's title and, of every action event, only the owning centre whose counts changed);
 * hub events by no user.
 */
export function canReadEvent(p: Principal, e: EventSharing): boolean {
  if (e.audience === 'hub') return false; // messages between hub processes (session ended)
  if (e.audience === 'staff') return p.role !== 'admin';
  if (e.audience === 'handover') return e.centre !== null && handoverAccess(p, e.centre) !== null;
  // Brief events announce a publication: readable as the published version is.
  if (e.audience === 'brief')
    return (
      e.tlp !== null && canReadBrief(p, { status: 'published', tlp: e.tlp as Tlp, recipients: e.recipients })
    );
  if (e.audience === 'meeting' || e.audience === 'action') {
    if (e.tlp === null) return false;
    if (e.audience === 'action' && p.role === 'board') return true;
    return canReadMeeting(p, { tlp: e.tlp as Tlp, centres: e.recipients });
  }
  if (e.centre === null || e.tlp === null) return false;
  return canReadAlert(p, { centre: e.centre, tlp: e.tlp as Tlp, recipients: e.recipients });
}
