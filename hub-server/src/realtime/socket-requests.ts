import type { z } from 'zod';
import type { ClientToServerEvents, ErrorBody } from '@tansiq/shared';
import type { Logger } from '../logger.ts';
import { AppError, errors } from '../http/errors.ts';
import { toAppError } from '../http/error-handler.ts';
import type { RequestBudget } from './request-budget.ts';
import type { DatabaseHealth } from '../db/database-health.ts';

/** One request a client may send over its socket: how to parse it, what it costs, what it does. */
export interface SocketRoute<S extends z.ZodType = z.ZodType, R = unknown> {
  schema: S;
  /** Budget units (default 1); a function of the parsed payload for requests whose cost varies. */
  cost?: number | ((payload: z.infer<S>) => number);
  /** Whether the work touches the database (it then runs within the user's concurrency bound). */
  database?: boolean;
  run(payload: z.infer<S>): Promise<R>;
}

export type SocketRoutes = { [K in keyof ClientToServerEvents]?: SocketRoute };

/** Types a route; the schema's output types the handler's payload. */
export function route<S extends z.ZodType, R>(
  schema: S,
  run: (payload: z.infer<S>) => Promise<R>,
  options: Omit<SocketRoute<S, R>, 'schema' | 'run'> = {},
): SocketRoute {
  return { database: true, ...options, schema, run } as SocketRoute;
}

type Ack = (reply: unknown) => void;

/**
 * Splits a raw frame as Socket.IO hands it over: `[name, ...args, ack?]`. A request carries at
 * most one payload; anything else is malformed.
 */
function splitFrame(frame: unknown[]): { name: unknown; ack: Ack | null; args: unknown[] } {
  const [name, ...args] = frame;
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as Ack) : null;
  if (ack) args.pop();
  return { name, ack, args };
}

function nameOf(name: unknown): string {
  return typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : `of type ${typeof name}`;
}

export interface DispatchDeps {
  logger: Logger;
  budget: RequestBudget;
  userId: () => string;
  health: DatabaseHealth;
  /** Called when the socket goes on sending after too many `rate_limited` answers. */
  ignoresLimits: () => void;
}

/** `rate_limited` answers one socket may get in a window before it is taken to ignore them. */
export const REFUSALS_BEFORE_DISCONNECT = 50;
const REFUSAL_WINDOW_MS = 10_000;

/**
 * The one entry point for everything a client sends: Socket.IO middleware that answers every
 * frame itself and never passes it on. The name and the argument count are checked before use,
 * the user's budget is spent, the payload is parsed with the route's schema, and the result — or
 * `{ error: { code, message, details } }` — goes back through the acknowledgement when the frame
 * carried one. Nothing a client sends can throw out of here.
 */
export function dispatcher(routes: SocketRoutes, deps: DispatchDeps) {
  const table = new Map<string, SocketRoute>(Object.entries(routes) as [string, SocketRoute][]);
  // A console backs off when told rate_limited; a client that keeps sending costs the hub a
  // refusal per frame, so past a bound its connection is closed instead.
  let refusals = 0;
  let windowStart = Date.now();
  const refused = () => {
    const now = Date.now();
    if (now - windowStart > REFUSAL_WINDOW_MS) {
      windowStart = now;
      refusals = 0;
    }
    if (++refusals === REFUSALS_BEFORE_DISCONNECT) deps.ignoresLimits();
  };
  const answer = async (frame: unknown[]): Promise<unknown> => {
    const { name, args } = splitFrame(frame);
    const known = typeof name === 'string' ? table.get(name) : undefined;
    if (!known) {
      await deps.budget.spend(deps.userId(), 1);
      throw errors.badRequest(`unknown event ${nameOf(name)}`);
    }
    if (args.length > 1) {
      await deps.budget.spend(deps.userId(), 1);
      throw errors.badRequest(`${nameOf(name)} takes one payload object, got ${args.length} arguments`);
    }
    const parsed = known.schema.safeParse(args[0]);
    if (!parsed.success) {
      await deps.budget.spend(deps.userId(), 1);
      throw errors.validation(parsed.error);
    }
    const cost = typeof known.cost === 'function' ? known.cost(parsed.data) : (known.cost ?? 1);
    await deps.budget.spend(deps.userId(), cost);
    if (!known.database) return known.run(parsed.data);
    return deps.budget.run(deps.userId(), () => known.run(parsed.data));
  };
  return (frame: unknown[], _next: (err?: Error) => void): void => {
    let ack: Ack | null = null;
    try {
      ack = splitFrame(frame).ack;
    } catch {
      // Not an array: Socket.IO's parser never hands one over, but nothing here relies on that.
    }
    const reply = (body: unknown) => {
      try {
        ack?.(body);
      } catch (err) {
        deps.logger.warn({ err: { message: (err as Error).message } }, 'acknowledgement failed');
      }
    };
    answer(Array.isArray(frame) ? frame : [frame]).then(reply, (err: unknown) => {
      const body: ErrorBody = (
        err instanceof AppError ? err : toAppError(err, deps.logger, deps.health)
      ).toBody();
      if (body.error.code === 'rate_limited') refused();
      reply(body);
    });
  };
}
