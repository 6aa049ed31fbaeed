import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { CarriedItem, HandoverContent, HandoverSnapshot, Signatory, ThreadEntry } from '@tansiq/shared';

/**
 * The seal of a handover or an addendum: SHA-256 (hex) over the RFC 8785 canonical JSON of
 * `{ v, kind, centre, position, previous, record }`, where `previous` is the seal of the link
 * before it in the centre's chain (null for the first). docs/api.md shows how to recompute one.
 */
export const SEAL_VERSION = 1;

// RFC 8785 (JSON Canonicalization Scheme), the reference implementation; its CommonJS export is
// the function itself, which its type declarations describe as a default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export interface SealedHandoverRecord {
  id: string;
  centre: string;
  shiftStart: string;
  shiftEnd: string;
  author: Signatory;
  content: HandoverContent;
  carried: CarriedItem[];
  snapshot: HandoverSnapshot;
  submittedAt: string;
  submittedBy: Signatory;
  acceptedAt: string;
  acceptedBy: Signatory;
  thread: ThreadEntry[];
}

export interface SealedAddendumRecord {
  id: string;
  handoverId: string;
  body: string;
  by: Signatory;
  at: string;
}

export type ChainLink =
  | {
      kind: 'handover';
      centre: string;
      position: number;
      previous: string | null;
      record: SealedHandoverRecord;
    }
  | {
      kind: 'addendum';
      centre: string;
      position: number;
      previous: string | null;
      record: SealedAddendumRecord;
    };

/** The exact bytes a seal is computed over. */
export function sealInput(link: ChainLink): string {
  const text = canonicalize({ v: SEAL_VERSION, ...link });
  if (text === undefined) throw new Error('a chain link cannot be canonicalised');
  return text;
}

export function sealOf(link: ChainLink): string {
  return createHash('sha256').update(sealInput(link), 'utf8').digest('hex');
}
