import type { ErrorBody } from './errors.ts';
import type { Alert, CreateAlert } from './alerts.ts';
import type { PeopleInput } from './people.ts';

/** Every announcement the server makes travels as `event` with this envelope. */
export interface HubEvent<T = unknown> {
  seq: number;
  type: string;
  data: T;
}

export type Ack<T> = (reply: T | ErrorBody) => void;

/** A request the server parses itself: the payload type is what the client should send. */
type Request<P, R> = (payload: P, ack: Ack<R>) => void;

export interface ResumeReply {
  events: HubEvent[];
  /** The last sequence number covered: resume again from here. */
  head: number;
  /** True when more events wait: resume again from `head` at once. */
  more: boolean;
}

/** Client → server requests. */
export interface ClientToServerEvents {
  'alert:create': Request<CreateAlert, { alert: Alert }>;
  'alert:update': Request<
    { alertId: string; id?: string; body?: string; people?: PeopleInput },
    { alert: Alert }
  >;
  'alert:ack': Request<{ alertId: string }, { alert: Alert }>;
  'alert:resolve': Request<
    { alertId: string; outcome?: 'resolved' | 'false_alarm'; note?: string },
    { alert: Alert }
  >;
  'alert:escalate': Request<{ alertId: string; note?: string }, { alert: Alert }>;
  'alert:reopen': Request<{ alertId: string; note?: string }, { alert: Alert }>;
  /** Everything after `after` the user may see, in order; live events follow with no gap. */
  resume: Request<{ after: number; limit?: number }, ResumeReply>;
  /** The highest sequence number this console has applied. */
  receipt: Request<{ seq: number }, { ok: true }>;
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
