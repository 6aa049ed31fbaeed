import { io as connect, type Socket } from 'socket.io-client';
import type { HubEvent, ResumeReply } from '@tansiq/shared';

/**
 * A console's event handling, as DESIGN describes it: connect, resume from the last applied
 * sequence number (again after every reconnect), hold live events that arrive while a resume is
 * in flight and apply them after its reply (a live event can overtake the reply's handling), apply
 * events in order and drop any number already applied. Records anything out of order or
 * duplicated so tests can assert there was none.
 */
export class LiveClient {
  readonly socket: Socket;
  readonly applied: HubEvent[] = [];
  readonly anomalies: string[] = [];
  lastApplied = 0;
  private resuming = false;
  private held: HubEvent[] = [];
  private readonly seen = new Set<number>();

  constructor(
    url: string,
    token: string | (() => string),
    options: {
      reconnection?: boolean;
      /** Long-polling only (no upgrade), or WebSocket only (the default). */
      transport?: 'websocket' | 'polling';
      /** Sent with every request (the console's `affinity` key behind a load balancer). */
      query?: Record<string, string>;
    } = {},
  ) {
    this.socket = connect(url, {
      transports: [options.transport ?? 'websocket'],
      ...(options.query ? { query: options.query } : {}),
      reconnection: options.reconnection ?? false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      auth: (cb) => cb({ token: typeof token === 'function' ? token() : token }),
    });
    this.socket.on('event', (event: HubEvent) => {
      if (this.resuming) this.held.push(event);
      else this.apply(event, 'live');
    });
    // A resume cut short by a disconnect is simply done again on the next connect.
    this.socket.on('connect', () => void this.resume().catch(() => undefined));
    // A handshake the hub refused (its database restarting, say) is not retried by Socket.IO.
    if (options.reconnection)
      this.socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
        if (err.data?.code && err.data.code !== 'unauthenticated')
          setTimeout(() => this.socket.connect(), 200);
      });
  }

  private apply(event: HubEvent, via: string): void {
    if (event.seq <= this.lastApplied) {
      if (!this.seen.has(event.seq))
        this.anomalies.push(`${via} ${event.seq} arrived after ${this.lastApplied}`);
      return;
    }
    if (this.seen.has(event.seq)) this.anomalies.push(`duplicate ${event.seq}`);
    this.seen.add(event.seq);
    this.applied.push(event);
    this.lastApplied = event.seq;
  }

  /** Resumes until caught up; resolves when live events flow again. */
  async resume(): Promise<void> {
    this.resuming = true;
    try {
      for (;;) {
        const reply = (await this.socket
          .timeout(20_000)
          .emitWithAck('resume', { after: this.lastApplied })) as ResumeReply;
        for (const e of reply.events) this.apply(e, 'resume');
        this.lastApplied = Math.max(this.lastApplied, reply.head);
        if (!reply.more) return;
      }
    } finally {
      this.resuming = false;
      const held = this.held;
      this.held = [];
      for (const e of held) this.apply(e, 'held');
    }
  }

  async ready(): Promise<void> {
    if (!this.socket.connected)
      await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
    await this.resume();
  }

  ofType(type: string): HubEvent[] {
    return this.applied.filter((e) => e.type === type);
  }

  /** Resolves when `predicate` holds for the applied events (polling), or rejects after `ms`. */
  async until(predicate: (events: HubEvent[]) => boolean, ms = 10_000): Promise<void> {
    const started = Date.now();
    while (!predicate(this.applied)) {
      if (Date.now() - started > ms) throw new Error(`timed out; have ${this.applied.length} events`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.close();
  }
}
