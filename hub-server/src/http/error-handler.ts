import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { AppError, errors } from './errors.ts';
import { classifyDatabaseError } from '../db/db-errors.ts';
import type { DatabaseHealth } from '../db/database-health.ts';

/** A client error raised while reading a request (body-parser and its decompression: http-errors). */
interface RequestReadError {
  type?: string;
  status: number;
  expose?: boolean;
}

function isBodyParserError(err: unknown): err is RequestReadError {
  if (typeof err !== 'object' || err === null || !('status' in err)) return false;
  return 'type' in err || (err as RequestReadError).expose === true;
}

/** Maps anything thrown to an AppError; unknown failures become a plain 500. */
export function toAppError(err: unknown, logger: Logger, health?: DatabaseHealth): AppError {
  if (err instanceof AppError) return err;
  if (isBodyParserError(err)) {
    if (err.type === 'entity.too.large') return errors.payloadTooLarge();
    if (err.type === 'entity.parse.failed') return errors.badRequest('the request body is not valid JSON');
    if (err.status >= 400 && err.status < 500) return errors.badRequest('the request body could not be read');
  }
  const trouble = classifyDatabaseError(err);
  if (trouble) {
    health?.note(trouble);
    logger.warn({ err }, 'database unavailable for a request');
    return trouble === 'storage_full'
      ? new AppError(503, 'storage_full', 'the hub cannot store anything: its disk is full', {
          retryAfterSeconds: 30,
        })
      : new AppError(503, 'database_unavailable', 'the database is not answering; try again shortly', {
          retryAfterSeconds: 2,
        });
  }
  logger.error({ err }, 'unexpected error');
  return errors.internal();
}

export function errorHandler(logger: Logger, health: DatabaseHealth): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const appError = toAppError(err, logger, health);
    const retry = (appError.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retry === 'number') res.setHeader('Retry-After', String(retry));
    res.status(appError.status).json(appError.toBody());
  };
}

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(errors.notFound(`no route ${req.method} ${req.path}`));
};
