import { clientConfigSchema, errorBodySchema, type ClientConfig, type ErrorBody } from '@tansiq/shared';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody['error'],
  ) {
    super(body.message);
  }
}

/** GET a JSON resource of the hub and check it against its contract. */
export async function getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const parsed = errorBodySchema.safeParse(body);
    throw new ApiError(
      res.status,
      parsed.success ? parsed.data.error : { code: 'internal', message: `HTTP ${res.status}` },
    );
  }
  return schema.parse(body);
}

export function fetchClientConfig(): Promise<ClientConfig> {
  return getJson('/api/v1/config', clientConfigSchema);
}
