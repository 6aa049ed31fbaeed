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

/** How the client gets and renews the access token; set by the session store. */
export interface TokenSource {
  current(): string | null;
  /** Tries once to renew the access token; resolves false when the session has ended. */
  renew(): Promise<boolean>;
}

let tokens: TokenSource | null = null;
export function useTokenSource(source: TokenSource): void {
  tokens = source;
}

/** The hub's error answer as an ApiError (a body that is not one becomes `internal`). */
function failure(status: number, payload: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(payload);
  return new ApiError(
    status,
    parsed.success ? parsed.data.error : { code: 'internal', message: `HTTP ${status}` },
  );
}

async function send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
  return fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/**
 * One call to the hub: the body checked against its schema, the answer against the reply's.
 * A 401 renews the access token once and retries; an error answer becomes an ApiError.
 */
export async function request<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S | null,
  body?: unknown,
): Promise<z.infer<S>> {
  let res = await send(method, path, body, tokens?.current() ?? null);
  if (res.status === 401 && tokens?.current() && (await tokens.renew())) {
    res = await send(method, path, body, tokens.current());
  }
  const payload: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw failure(res.status, payload);
  return schema ? schema.parse(payload) : (payload as z.infer<S>);
}

/** Sends a file as multipart field `file` (renewing the token once on a 401, like `request`). */
export async function uploadFile<S extends z.ZodType>(
  path: string,
  file: File,
  schema: S,
): Promise<z.infer<S>> {
  const post = (token: string | null) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return fetch(path, {
      method: 'POST',
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: form,
    });
  };
  let res = await post(tokens?.current() ?? null);
  if (res.status === 401 && tokens?.current() && (await tokens.renew())) res = await post(tokens.current());
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) throw failure(res.status, payload);
  return schema.parse(payload);
}

/** Fetches a file the hub serves only with the access token (an attachment), as a Blob. */
export async function downloadFile(path: string): Promise<Blob> {
  const get = (token: string | null) =>
    fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  let res = await get(tokens?.current() ?? null);
  if (res.status === 401 && tokens?.current() && (await tokens.renew())) res = await get(tokens.current());
  if (!res.ok) throw failure(res.status, await res.json().catch(() => null));
  return res.blob();
}

/** Fetches a file with the session and saves it to the user's device under `fileName`. */
export async function saveFile(path: string, fileName: string): Promise<void> {
  const url = URL.createObjectURL(await downloadFile(path));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  return request('GET', path, schema);
}

export function fetchClientConfig(): Promise<ClientConfig> {
  return getJson('/api/v1/config', clientConfigSchema);
}
