import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { roleSchema } from '@tansiq/shared';
import { errors } from '../http/errors.ts';

export const TOKEN_ISSUER = 'tansiq-hub';
export const TOKEN_AUDIENCE = 'tansiq-console';
const ALGORITHM = 'HS256';

/** What an access token carries. The hub still checks the session and the user on every use. */
export const accessClaimsSchema = z.object({
  sub: z.uuid(),
  sid: z.uuid(),
  role: roleSchema,
  centre: z.string().nullable(),
  name: z.string(),
  exp: z.number(),
  iat: z.number(),
});
export type AccessClaims = z.infer<typeof accessClaimsSchema>;

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

export class AccessTokens {
  /**
   * The signing key as a KeyObject, made once: given a string, jsonwebtoken first tries it as a
   * public key (which throws) on every call — 367 µs a verification here against 6 µs.
   */
  private secret: Promise<KeyObject> | null = null;

  constructor(
    private readonly key: () => Promise<string>,
    private readonly ttlSeconds: number,
  ) {}

  private secretKey(): Promise<KeyObject> {
    this.secret ??= this.key()
      .then((k) => createSecretKey(Buffer.from(k, 'utf8')))
      .catch((err: unknown) => {
        this.secret = null;
        throw err;
      });
    return this.secret;
  }

  async sign(claims: Omit<AccessClaims, 'exp' | 'iat' | 'sub'> & { sub: string }): Promise<SignedToken> {
    const { sub, ...rest } = claims;
    const token = jwt.sign(rest, await this.secretKey(), {
      algorithm: ALGORITHM,
      expiresIn: this.ttlSeconds,
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      subject: sub,
    });
    return { token, expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) };
  }

  /** Verifies signature (HS256 only), issuer, audience, expiry and not-before; throws 401 otherwise. */
  async verify(token: unknown): Promise<AccessClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096)
      throw errors.unauthenticated();
    let payload: unknown;
    try {
      payload = jwt.verify(token, await this.secretKey(), {
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      });
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      throw errors.unauthenticated(
        expired ? 'the access token has expired' : 'the access token is not valid',
      );
    }
    const parsed = accessClaimsSchema.safeParse(payload);
    if (!parsed.success) throw errors.unauthenticated('the access token is not valid');
    return parsed.data;
  }
}

/** A new opaque refresh token and the hash that is all the database keeps of it. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
