import type { ErrorBody, ErrorCode } from '@tansiq/shared';
import type { z } from 'zod';

/** A failure the caller should hear about: it keeps its status and code all the way out. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** A policy refusal: answered 403, and written to the audit log by whoever catches it outside the transaction. */
export class Refusal extends AppError {
  constructor(
    readonly action: string,
    readonly target: { type: string; id?: string },
    message = 'not allowed',
  ) {
    super(403, 'forbidden', message);
  }
}

/** The one error factory. */
export const errors = {
  badRequest: (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details),
  validation: (error: z.ZodError) =>
    new AppError(
      400,
      'validation_failed',
      'the request does not match its schema',
      error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    ),
  unauthenticated: (message = 'sign in first') => new AppError(401, 'unauthenticated', message),
  forbidden: (message = 'not allowed') => new AppError(403, 'forbidden', message),
  notFound: (message = 'not found') => new AppError(404, 'not_found', message),
  conflict: (message: string, details?: unknown) => new AppError(409, 'conflict', message, details),
  payloadTooLarge: (message = 'the request body is too large') =>
    new AppError(413, 'payload_too_large', message),
  notReady: (message: string) => new AppError(503, 'not_ready', message),
  internal: () => new AppError(500, 'internal', 'something went wrong on the hub'),
};

/** Parses at the edge: returns the typed value or throws a 400 that changes nothing. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw errors.validation(result.error);
  return result.data;
}
