import type { z } from 'zod';
import type { RateLimiterMemory } from 'rate-limiter-flexible';
import type { ErrorBody } from '@tansiq/shared';
import type { Logger } from '../logger.ts';
import { AppError, errors } from '../http/errors.ts';
import { toAppError } from '../http/error-handler.ts';

type AnyAck = (reply: unknown) => void;

export interface RequestGuard {
  logger: Logger;
  /** Requests per socket, keyed by socket id. */
  limiter: RateLimiterMemory;
  socketId: string;
}

/**
 * Wraps a socket request handler: rate-limited per socket, the payload parsed with its zod schema,
 * then the handler; its result — or an error body `{ error: { code, message, details } }` — goes
 * back through the acknowledgement. A handler never throws into Socket.IO and never crashes the process.
 */
export function socketRequest<S extends z.ZodType, R>(
  schema: S,
  handler: (payload: z.infer<S>) => Promise<R>,
  guard: RequestGuard,
) {
  return async (payload: unknown, ack: unknown): Promise<void> => {
    const reply: AnyAck = typeof ack === 'function' ? (ack as AnyAck) : () => undefined;
    try {
      await guard.limiter.consume(guard.socketId).catch(() => {
        throw new AppError(429, 'rate_limited', 'too many requests on this connection');
      });
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw errors.validation(parsed.error);
      reply(await handler(parsed.data));
    } catch (err) {
      const body: ErrorBody = toAppError(err, guard.logger).toBody();
      reply(body);
    }
  };
}
