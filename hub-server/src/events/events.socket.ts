import { receiptSchema, resumeSchema, type HubEvent, type ResumeReply } from '@tansiq/shared';
import type { Database } from '../db/database.ts';
import { socketRequest } from '../realtime/handlers.ts';
import type { SocketRegistrar } from '../realtime/socket-server.ts';
import { RESUMING_ROOM } from './delivery.ts';
import type { EventTailer } from './event-tailer.ts';
import { readEventsFor } from './events.service.ts';
import type { ReceiptsService } from './receipts.service.ts';

const DEFAULT_PAGE = 500;

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
): SocketRegistrar {
  return (socket, guard) => {
    let receiptMark = 0;
    void socket.join(RESUMING_ROOM);

    socket.on(
      'resume',
      socketRequest(
        resumeSchema,
        async ({ after, limit }): Promise<ResumeReply> => {
          void socket.join(RESUMING_ROOM);
          const max = limit ?? DEFAULT_PAGE;
          const collected: HubEvent[] = [];
          let cursor = after;
          for (;;) {
            const upTo = tailer.head;
            if (cursor >= upTo) {
              // Caught up: nothing between here and the live stream.
              void socket.leave(RESUMING_ROOM);
              return { events: collected, head: Math.max(cursor, upTo), more: false };
            }
            const page = await readEventsFor(
              database,
              socket.data.auth.principal,
              cursor,
              max - collected.length,
              upTo,
            );
            collected.push(...page.events);
            if (page.full) return { events: collected, head: page.last!, more: true };
            cursor = upTo;
          }
        },
        guard,
      ),
    );

    socket.on(
      'receipt',
      socketRequest(
        receiptSchema,
        async ({ seq }) => {
          const upTo = Math.min(seq, tailer.head);
          if (upTo > receiptMark) {
            await receipts.record(socket.data.auth, receiptMark, upTo);
            receiptMark = upTo;
          }
          return { ok: true as const };
        },
        guard,
      ),
    );
  };
}
