import { z } from 'zod';
import { filterText, plainText } from './text.ts';
import { centreCodeSchema, roleSchema } from './domain.ts';

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'at least 3 characters')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore');

/** Passwords: long rather than clever (NIST SP 800-63B): 12 to 256 characters. */
export const passwordSchema = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');

export const loginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const refreshRequestSchema = z.strictObject({
  refreshToken: z.string().min(20).max(200),
});

export const userSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  centre: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const tokenPairSchema = z.object({
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number(),
  refreshToken: z.string(),
  user: userSchema,
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const createUserSchema = z.strictObject({
  username: usernameSchema,
  displayName: plainText(120).min(1),
  role: roleSchema,
  centre: centreCodeSchema.nullable().optional(),
  password: passwordSchema,
});
export type CreateUser = z.infer<typeof createUserSchema>;

export const patchUserSchema = z
  .strictObject({
    displayName: plainText(120).min(1).optional(),
    role: roleSchema.optional(),
    centre: centreCodeSchema.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'name at least one field to change');
export type PatchUser = z.infer<typeof patchUserSchema>;

export const resetPasswordSchema = z.strictObject({ password: passwordSchema });

export const usersListSchema = z.object({ users: z.array(userSchema) });

export const auditQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  actor: filterText(64).optional(),
  action: filterText(64).optional(),
});

/** Every action the hub writes to the audit log; the console words each one in both languages. */
export const auditActions = [
  'auth.login',
  'auth.session_ended',
  'user.list',
  'user.create',
  'user.update',
  'user.reset_password',
  'audit.read',
  'audit.verify',
  'alert.create',
  'alert.update',
  'alert.acknowledge',
  'alert.resolve',
  'alert.escalate',
  'alert.reopen',
  'handover.create',
  'handover.edit',
  'handover.submit',
  'handover.return',
  'handover.accept',
  'handover.addendum',
  'handover.read',
  'handover.overdue',
  'brief.list',
  'brief.create',
  'brief.edit',
  'brief.submit',
  'brief.approve',
  'brief.return',
  'brief.publish',
  'brief.version',
  'brief.read',
  'brief.attach',
  'brief.detach',
  'brief.download',
  'export.alerts',
  'export.trends',
  'meeting.read',
  'meeting.schedule',
  'meeting.edit',
  'meeting.decide',
  'action.create',
  'action.edit',
  'action.done',
  'action.overdue',
  'board.read',
  'board.pair',
  'board.claim',
  'board.list',
  'board.revoke',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const auditRecordSchema = z.object({
  seq: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorUsername: z.string().nullable(),
  role: z.string().nullable(),
  centre: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(['ok', 'refused', 'failed']),
  source: z.string().nullable(),
  details: z.unknown(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export const auditListSchema = z.object({ records: z.array(auditRecordSchema) });

/** Socket: `auth:refresh` replaces the socket's access token before it expires. */
export const socketRefreshSchema = z.strictObject({ token: z.string().min(1).max(4096) });

/** `GET /api/v1/audit/verify`: the chain recomputed; on a break, the first record that does not fit. */
export const auditVerificationSchema = z.object({
  verification: z.union([
    z.object({ ok: z.literal(true), rows: z.number().int() }),
    z.object({ ok: z.literal(false), rows: z.number().int(), seq: z.number().int(), reason: z.string() }),
  ]),
  at: z.string(),
});
export type AuditVerificationReply = z.infer<typeof auditVerificationSchema>;
