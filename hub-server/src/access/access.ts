import type { NextFunction, Request, Response } from 'express';
import type { FailureAudit } from '../audit/failure-audit.ts';
import { errors } from '../http/errors.ts';
import type { AuthContext, AuthService, RequestContext } from '../auth/auth.service.ts';

// The authenticated caller of each request in flight; entries go when the request object does.
const authByRequest = new WeakMap<Request, AuthContext>();

export function requestContext(req: Request): RequestContext {
  return { source: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header?.match(/^Bearer (\S+)$/);
  return match?.[1];
}

/** Every route but login, refresh and the public probes sits behind this. */
export function requireAuth(auth: AuthService) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    authByRequest.set(req, await auth.authenticate(bearer(req)));
    next();
  };
}

export function authOf(req: Request): AuthContext {
  const auth = authByRequest.get(req);
  if (!auth) throw errors.unauthenticated();
  return auth;
}

/**
 * The one gate: `allowed` comes from a policy function of @tansiq/shared. A refusal is written to the
 * audit log and answered 403; nothing else happens.
 */
export async function enforce(
  failures: FailureAudit,
  auth: AuthContext,
  source: string | null,
  allowed: boolean,
  action: string,
  target?: { type: string; id?: string },
): Promise<void> {
  if (allowed) return;
  await failures.record(
    { principal: { ...auth.principal, username: auth.username }, source },
    {
      action,
      outcome: 'refused',
      ...(target ? { targetType: target.type, ...(target.id ? { targetId: target.id } : {}) } : {}),
    },
  );
  throw errors.forbidden();
}

/** The Socket.IO rooms a socket joins, decided by the hub from the user's claims (never by the client). */
export function roomsFor(auth: AuthContext): string[] {
  const { principal } = auth;
  return [
    `user:${principal.userId}`,
    `session:${auth.sessionId}`,
    `role:${principal.role}`,
    ...(principal.centre ? [`centre:${principal.centre}`] : []),
  ];
}
