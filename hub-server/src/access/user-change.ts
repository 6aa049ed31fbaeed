import type { Principal } from '@tansiq/shared';
import type { AppTx, Database } from '../db/database.ts';
import { Refusal } from '../http/errors.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';

/**
 * Runs a user's change in one transaction under their claims. A policy refusal rolls it back and is
 * then audited (outside the transaction, which is gone).
 */
export async function userChange<T>(
  deps: { database: Database; failures: FailureAudit },
  auth: AuthContext,
  source: string | null,
  fn: (tx: AppTx, p: Principal) => Promise<T>,
): Promise<T> {
  try {
    return await deps.database.asUser(auth.principal, (tx) => fn(tx, auth.principal));
  } catch (err) {
    if (err instanceof Refusal) {
      await deps.failures.record(
        { principal: { ...auth.principal, username: auth.username }, source },
        {
          action: err.action,
          outcome: 'refused',
          targetType: err.target.type,
          ...(err.target.id ? { targetId: err.target.id } : {}),
        },
      );
    }
    throw err;
  }
}

/** The actor of an audit record for a signed-in user. */
export function actorOf(auth: AuthContext, source: string | null) {
  return { principal: { ...auth.principal, username: auth.username }, source };
}
