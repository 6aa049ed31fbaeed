import type { IncomingMessage } from 'node:http';

/**
 * Decides whether a Socket.IO handshake may proceed, from its Origin header. A browser always sends
 * Origin on a cross-origin request and on every WebSocket, so a missing Origin is a same-origin
 * polling request or a non-browser client (which still needs a token). A present Origin must be
 * the hub's own (same host as the request) or listed in TANSIQ_ALLOWED_ORIGINS.
 */
export function isOriginAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.host === req.headers.host) return true;
  return allowed.some((entry) => new URL(entry).origin === parsed.origin);
}
