import { receiptSchema, resumeSchema, type HubEvent, type ResumeReply } from '@tansiq/shared';
import type { Database } from '../db/database.ts';
import { route } from '../realtime/socket-requests.ts';
import type { SocketRegistrar } from '../realtime/socket-server.ts';
import { RESUMING_ROOM } from './delivery.ts';
import type { EventTailer } from './event-tailer.ts';
import { readEventsFor, recentEventsFor, type SkippedEvent } from './events.service.ts';
import type { ReceiptsService } from './receipts.service.ts';

const DEFAULT_PAGE = 500;
/** Events read from the database at a time while a replay is assembled. */
const READ_CHUNK = 100;

/**
 * `resume`: replays from the database what the user may see after `after`, up to the tailer's
 * position, while the socket sits in the resuming room (no live events). When the replay has
 * caught up with the tailer, the socket leaves the room in the same turn of the event loop, so the
 * next live event is the next in sequence: no gap, no duplicate at the switch-over.
 */
export function eventsSocket(
  database: Database,
  tailer: EventTailer,
  receipts: ReceiptsService,
  skipped: SkippedEvent,
): SocketRegistrar {
  return (socket) => {
    // What this socket has been sent: receipts are taken up to there and no further, from where its
    // first resume started (what came before reached the console on an earlier connection).
    let receiptMark: number | null = null;
    let sentUpTo = 0;
    const live = () => !socket.rooms.has(RESUMING_ROOM);
    void socket.join(RESUMING_ROOM);

    return {
      resume: route(
        resumeSchema,
        async ({ after, limit }): Promise<ResumeReply> => {
          void socket.join(RESUMING_ROOM);
          receiptMark ??= after;
          const max = limit ?? DEFAULT_PAGE;
          const collected: HubEvent[] = [];
          let cursor = after;
          for (;;) {
            const upTo = tailer.head;
            if (cursor >= upTo) {
              // Caught up: nothing between here and the live stream.
              void socket.leave(RESUMING_ROOM);
              sentUpTo = Math.max(sentUpTo, upTo);
              return { events: collected, head: Math.max(cursor, upTo), more: false };
            }
            const chunk = Math.min(READ_CHUNK, max - collected.length);
            const recent = tailer.recentAfter(cursor);
            const page = recent
              ? recentEventsFor(recent, socket.data.auth.principal, chunk, upTo, skipped)
              : await readEventsFor(database, socket.data.auth.principal, cursor, chunk, upTo, skipped);
            collected.push(...page.events);
            if (page.full && collected.length >= max) {
              sentUpTo = Math.max(sentUpTo, page.last!);
              return { events: collected, head: page.last!, more: true };
            }
            if (page.full) {
              // Read in short chunks with a turn of the event loop between them: the embedded
              // database runs on this thread, and one long read would hold every other request.
              cursor = page.last!;
              await new Promise((resolve) => setImmediate(resolve));
            } else cursor = upTo;
          }
        },
        // A replay reads up to `limit` events: it costs more than a ping.
        { cost: ({ limit }) => 1 + Math.ceil((limit ?? DEFAULT_PAGE) / 100) },
      ),
      receipt: route(receiptSchema, async ({ seq }) => {
        if (receiptMark === null) return { ok: true as const };
        const upTo = Math.min(seq, live() ? tailer.head : sentUpTo);
        if (upTo > receiptMark) {
          // Recording twice is harmless (the first delivery wins); losing one is not: move the
          // mark only once it is stored.
          await receipts.record(socket.data.auth, receiptMark, upTo);
          receiptMark = Math.max(receiptMark, upTo);
        }
        return { ok: true as const };
      }),
    };
  };
}
