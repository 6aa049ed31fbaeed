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
}

/** Server → client announcements. */
export interface ServerToClientEvents {
  event: (event: HubEvent) => void;
}
