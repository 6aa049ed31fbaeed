import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { AppError, errors } from './errors.ts';

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err;
}

/** Maps anything thrown to an AppError; unknown failures become a plain 500. */
export function toAppError(err: unknown, logger: Logger): AppError {
  if (err instanceof AppError) return err;
  if (isBodyParserError(err)) {
    if (err.type === 'entity.too.large') return errors.payloadTooLarge();
    if (err.type === 'entity.parse.failed') return errors.badRequest('the request body is not valid JSON');
    if (err.status >= 400 && err.status < 500) return errors.badRequest('the request body could not be read');
  }
  logger.error({ err }, 'unexpected error');
  return errors.internal();
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const appError = toAppError(err, logger);
    res.status(appError.status).json(appError.toBody());
  };
}

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(errors.notFound(`no route ${req.method} ${req.path}`));
};
