import { createHash } from 'node:crypto';
import pg from 'pg';

/** Statements kept prepared per connection (PostgreSQL then plans each once, not on every run). */
export const STATEMENT_CACHE = 500;

/** What is worth preparing: the hub's reads and writes, not DDL or transaction control. */
export const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * A node-postgres client that runs the hub's reads and writes as named prepared statements, the
 * first STATEMENT_CACHE distinct ones of its connection (node-postgres keeps a statement prepared as
 * long as its connection lives and cannot drop one; texts past the limit run unnamed). PostgreSQL
 * then plans each statement once per connection instead of on every run, and plans it again by
 * itself after a change to a table or a policy.
 */
export class PreparingClient extends pg.Client {
  private readonly names = new Set<string>();

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      args[0] = this.named(args[0]);
      return query(...args);
    }) as pg.Client['query'];
  }

  /** The query config with a statement name, when it is worth preparing and there is room. */
  private named(config: unknown): unknown {
    if (
      config === null ||
      typeof config !== 'object' ||
      'submit' in config ||
      ('name' in config && config.name) ||
      !('text' in config) ||
      typeof config.text !== 'string' ||
      !PREPARABLE.test(config.text)
    )
      return config;
    const name = `tansiq_${createHash('sha1').update(config.text).digest('hex')}`;
    if (!this.names.has(name) && this.names.size >= STATEMENT_CACHE) return config;
    this.names.add(name);
    return { ...config, name };
  }
}
