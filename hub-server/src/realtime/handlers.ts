import type { z } from 'zod';
import type { ErrorBody } from '@tansiq/shared';
import type { Logger } from '../logger.ts';
import { errors } from '../http/errors.ts';
import { toAppError } from '../http/error-handler.ts';

type AnyAck = (reply: unknown) => void;

/**
 * Wraps a socket request handler: the payload is parsed with its zod schema, the handler runs, and
 * its result — or an error body `{ error: { code, message, details } }` — goes back through the
 * acknowledgement. A handler never throws into Socket.IO and never crashes the process.
 */
export function socketRequest<S extends z.ZodType, R>(
  schema: S,
  handler: (payload: z.infer<S>) => Promise<R>,
  logger: Logger,
) {
  return async (payload: unknown, ack: unknown): Promise<void> => {
    const reply: AnyAck = typeof ack === 'function' ? (ack as AnyAck) : () => undefined;
    try {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) throw errors.validation(parsed.error);
      reply(await handler(parsed.data));
    } catch (err) {
      const body: ErrorBody = toAppError(err, logger).toBody();
      reply(body);
    }
  };
}
