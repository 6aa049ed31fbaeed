import { canReadEvent, centreKindFor, roles, type HubEvent, type Principal, type Role } from '@tansiq/shared';
import { endSockets, type HubIo } from '../realtime/socket-server.ts';
import { SESSION_ENDED } from '../auth/auth.service.ts';
import type { CentresCache } from '../centres/centres.cache.ts';
import { projectFor, projectionOf, type EventRow, type SkippedEvent } from './events.service.ts';

/** Sockets wait in this room, receiving nothing live, until their resume has caught them up. */
export const RESUMING_ROOM = 'resuming';

/** The room of everyone with the same role and centre: the unit the policy decides for. */
export function audienceRoom(role: Role, centre: string | null): string {
  return `aud:${role}:${centre ?? '-'}`;
}

/**
 * Sends each event to exactly the audience rooms whose (role, centre) the policy allows, on this
 * process only (every process tails the log itself). Boards get the board projection.
 */
export class EventDelivery {
  constructor(
    private readonly centres: CentresCache,
    private readonly io: () => HubIo | null,
    private readonly skipped: SkippedEvent,
  ) {}

  /** Every (role, centre) pair a user can have. */
  private classes(): Principal[] {
    return roles.flatMap((role): Principal[] => {
      const kind = centreKindFor(role);
      return kind === null
        ? [{ userId: '', role, centre: null }]
        : this.centres.all.filter((c) => c.kind === kind).map((c) => ({ userId: '', role, centre: c.code }));
    });
  }

  deliver(rows: readonly EventRow[]): void {
    const io = this.io();
    if (!io) return;
    const classes = this.classes();
    for (const row of rows) {
      try {
        this.deliverOne(io, classes, row);
      } catch (err) {
        this.skipped(row, err);
      }
    }
  }

  private deliverOne(io: HubIo, classes: Principal[], row: EventRow): void {
    if (row.type === SESSION_ENDED) {
      endSockets(io, row.data as { userId: string } | { sessionId: string });
      return;
    }
    const allowed = classes.filter((p) => canReadEvent(p, row));
    // One copy per projection, made before anything is sent: a row that cannot be read reaches no one.
    const copies = new Map<string, { event: HubEvent; rooms: string[] }>();
    for (const p of allowed) {
      const kind = projectionOf(p, row);
      let copy = copies.get(kind);
      if (!copy) copies.set(kind, (copy = { event: projectFor(p, row), rooms: [] }));
      copy.rooms.push(audienceRoom(p.role, p.centre));
    }
    for (const { event, rooms } of copies.values())
      io.local.to(rooms).except(RESUMING_ROOM).emit('event', event);
  }
}
