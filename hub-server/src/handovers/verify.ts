import { asc, eq, inArray, isNotNull, and } from 'drizzle-orm';
import type { HandoverSnapshot } from '@tansiq/shared';
import type { Database } from '../db/database.ts';
import { handoverAddenda, handovers, handoverThread } from './handovers.table.ts';
import { emptySnapshot, sealedRecord, toHandover, type ThreadRow } from './handovers.mapper.ts';
import { sealOf, type ChainLink } from './seal.ts';

export type ChainVerification =
  | { ok: true; centres: Array<{ centre: string; links: number; head: string | null }> }
  | {
      ok: false;
      centre: string;
      /** The first link that does not fit: a handover or an addendum, with its position. */
      kind: 'handover' | 'addendum';
      id: string;
      position: number;
      reason: string;
      verified: number;
    };

interface StoredLink {
  link: ChainLink;
  id: string;
  seal: string;
}

/**
 * Recomputes every seal of every centre's handover chain (or one centre's) from the stored rows,
 * in chain order, and checks that each link names the seal before it and that no position is
 * missing. Reads as the hub (claim role `system`), so row-level security hides nothing.
 */
export async function verifyHandoverChains(database: Database, centre?: string): Promise<ChainVerification> {
  return database.asSystem(async (tx) => {
    const sealed = await tx
      .select()
      .from(handovers)
      .where(and(isNotNull(handovers.chainPosition), centre ? eq(handovers.centre, centre) : undefined));
    const threads = sealed.length
      ? await tx
          .select()
          .from(handoverThread)
          .where(
            inArray(
              handoverThread.handoverId,
              sealed.map((h) => h.id),
            ),
          )
          .orderBy(asc(handoverThread.at))
      : [];
    const addenda = await tx
      .select()
      .from(handoverAddenda)
      .where(centre ? eq(handoverAddenda.centre, centre) : undefined);
    const byCentre = new Map<string, StoredLink[]>();
    const add = (c: string, l: StoredLink) => byCentre.set(c, [...(byCentre.get(c) ?? []), l]);
    for (const row of sealed) {
      const thread = threads.filter((t: ThreadRow) => t.handoverId === row.id);
      const h = toHandover(
        row,
        thread,
        [],
        (row.snapshot as HandoverSnapshot | null) ?? emptySnapshot(row.updatedAt),
      );
      add(row.centre, {
        id: row.id,
        seal: row.seal ?? '',
        link: {
          kind: 'handover',
          centre: row.centre,
          position: row.chainPosition!,
          previous: row.previousSeal,
          record: sealedRecord(h),
        },
      });
    }
    for (const row of addenda) {
      add(row.centre, {
        id: row.id,
        seal: row.seal,
        link: {
          kind: 'addendum',
          centre: row.centre,
          position: row.chainPosition,
          previous: row.previousSeal === '' ? null : row.previousSeal,
          record: {
            id: row.id,
            handoverId: row.handoverId,
            body: row.body,
            by: { userId: row.authorId, name: row.authorName },
            at: row.at.toISOString(),
          },
        },
      });
    }
    const summary: Array<{ centre: string; links: number; head: string | null }> = [];
    let verified = 0;
    for (const [c, links] of [...byCentre].sort(([a], [b]) => a.localeCompare(b))) {
      links.sort((a, b) => a.link.position - b.link.position);
      let previous: string | null = null;
      for (const [i, stored] of links.entries()) {
        const { link } = stored;
        const fail = (reason: string): ChainVerification => ({
          ok: false,
          centre: c,
          kind: link.kind,
          id: stored.id,
          position: link.position,
          reason,
          verified,
        });
        if (link.position !== i + 1)
          return fail(
            link.position > i + 1
              ? `link ${i + 1}${link.position - 1 > i + 1 ? `–${link.position - 1}` : ''} of the chain is missing before it`
              : `position ${link.position} appears twice`,
          );
        if (link.previous !== previous) return fail('it does not name the seal of the link before it');
        if (sealOf(link) !== stored.seal) return fail('its content does not match its seal');
        previous = stored.seal;
        verified++;
      }
      summary.push({ centre: c, links: links.length, head: previous });
    }
    return { ok: true, centres: summary };
  });
}
