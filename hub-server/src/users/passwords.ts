import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm; a test checks the PHC prefix) at OWASP's baseline:
// 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}
