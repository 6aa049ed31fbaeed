import type { ErrorBody } from './errors.ts';

/** Every announcement the server makes travels as `event` with this envelope. */
export interface HubEvent<T = unknown> {
  seq: number;
  type: string;
  data: T;
}

export type Ack<T> = (reply: T | ErrorBody) => void;

/** Client → server requests. Filled in by the domain issues (alerts, handovers…). */
export interface ClientToServerEvents {
  /** Round-trip check; answers with the hub's clock. */
  'system:ping': (ack: Ack<{ now: string }>) => void;
  /** Hands the socket a fresh access token (same user and session) before the current one expires. */
  'auth:refresh': (payload: { token: string }, ack: Ack<{ expiresAt: string }>) => void;
}

/** Server → client announcements. */
export interface ServerToClientEvents {
  event: (event: HubEvent) => void;
  /** Sent just before the hub closes a socket for an auth reason (expired, revoked, disabled). */
  'auth:ended': (reason: { code: 'token_expired' | 'session_revoked' }) => void;
}
