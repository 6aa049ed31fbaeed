import {
  PGlite,
  messages,
  protocol,
  type QueryOptions,
  type Results,
  type Transaction,
} from '@electric-sql/pglite';
import { query as templateQuery } from '@electric-sql/pglite/template';
import { createRequire } from 'node:module';
import { PREPARABLE, STATEMENT_CACHE } from './prepared.ts';

/** node-postgres's conversion of a JavaScript value to a query parameter (text, bytes or null). */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue: (value: unknown) => string | Buffer | null;
};

const { serialize } = protocol;

/** BEGIN as extended-protocol messages, to go ahead of a statement in its trip. */
const BEGIN = [serialize.parse({ text: 'BEGIN' }), serialize.bind({}), serialize.execute({})];

function isCompletion(m: messages.BackendMessage): boolean {
  return m.name === 'commandComplete';
}

/** One buffer holding every message, in order. */
function concat(parts: (Uint8Array | ArrayBuffer)[]): Uint8Array {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.byteLength;
  }
  return out;
}

/**
 * PGlite whose statements take one trip into the WebAssembly engine and are planned once.
 *
 * PGlite's own `query` sends Parse, Describe (to learn the parameters' types), Bind, Describe,
 * Execute and Sync one call at a time, and PostgreSQL plans the statement again on every run (an
 * alert's insert, with its row-level security, checks and search vector, spent longer in planning
 * than in running). Here the messages go in one buffer, the way node-postgres talks to a PostgreSQL
 * server: parameters as text of unknown type, which the server infers from the statement, prepared by
 * node-postgres's own rules (dates, arrays, JSON, bytes), so the hub's statements see their
 * parameters exactly as on a server. Reads and writes are kept as named prepared statements (the
 * last STATEMENT_CACHE of them), so PostgreSQL's plan cache applies; it plans again by itself after
 * a change to a table or a policy. Locking is PGlite's: a statement outside a transaction waits for
 * any transaction in progress; inside one, it runs in it.
 */
export class OneTripPGlite extends PGlite {
  override async query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    await this._checkReady();
    return this._runExclusiveTransaction(() => this.oneTrip<T>(text, params, options, true, false));
  }

  /**
   * A transaction whose BEGIN goes into the engine with its first statement, and whose COMMIT is one
   * trip (PGlite's own sends each as a simple query and a Sync: four trips for the pair).
   */
  override async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    await this._checkReady();
    return this._runExclusiveTransaction(async () => {
      let begun = false;
      let closed = false;
      const open = () => {
        // A rejection, as PGlite's own transaction gives, never a throw before the promise.
        if (closed) throw new Error('Transaction is closed');
        const first = !begun;
        begun = true;
        return first;
      };
      const end = async (command: 'COMMIT' | 'ROLLBACK') => {
        closed = true;
        if (!begun) return null;
        return this.oneTrip(command, [], undefined, true, false);
      };
      const tx: Transaction = {
        query: async <R>(text: string, params: unknown[] = [], options?: QueryOptions) =>
          this.oneTrip<R>(text, params, options, false, open()),
        sql: async <R>(strings: TemplateStringsArray, ...values: unknown[]) => {
          const { query, params } = templateQuery(strings, ...values);
          return tx.query<R>(query, params);
        },
        exec: async (text: string, options?: QueryOptions) => {
          if (open()) await this.oneTrip('BEGIN', [], undefined, false, false);
          return this.simpleQuery(text, options);
        },
        rollback: async () => {
          if (closed) throw new Error('Transaction is closed');
          await end('ROLLBACK');
        },
        listen: async (channel, callback) => {
          if (closed) throw new Error('Transaction is closed');
          return this.listen(channel, callback, tx);
        },
        get closed() {
          return closed;
        },
      };
      try {
        const result = await fn(tx);
        if (!closed) {
          const committed = await end('COMMIT');
          // A transaction that failed and was carried on regardless ends in ROLLBACK, not COMMIT.
          if (committed && committed.command === 'ROLLBACK')
            throw new Error('the transaction failed earlier and was rolled back');
        }
        return result;
      } catch (err) {
        if (!closed) await end('ROLLBACK');
        throw err;
      }
    });
  }

  /** Prepared statements by their text, oldest use first. */
  private readonly statements = new Map<string, string>();
  private statementCount = 0;
  /** Statements dropped from the cache, closed with the next trip. */
  private closing: string[] = [];

  /** One statement in one trip; `begin`: with BEGIN before it, in the same trip. */
  private oneTrip<T>(
    text: string,
    params: unknown[],
    options: QueryOptions | undefined,
    syncToFs: boolean,
    begin: boolean,
  ): Promise<Results<T> & { command?: string }> {
    return this._runExclusiveQuery(async () => {
      const parts = this.closing.splice(0).map((name) => serialize.close({ type: 'S', name }));
      if (begin) parts.push(...BEGIN);
      let name = this.statements.get(text);
      let created: string | null = null;
      if (name !== undefined) {
        // Most recently used last.
        this.statements.delete(text);
        this.statements.set(text, name);
      } else {
        name = PREPARABLE.test(text) ? (created = `tansiq_${++this.statementCount}`) : '';
        parts.push(
          serialize.parse({ name, text, ...(options?.paramTypes ? { types: options.paramTypes } : {}) }),
        );
      }
      parts.push(
        serialize.bind({ statement: name, values: params.map((v) => prepareValue(v)) }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      );
      const { messages: replies } = await this.execProtocol(concat(parts), { syncToFs, throwOnError: false });
      if (created && replies.some((m) => m.name === 'parseComplete')) this.remember(text, created);
      const error = replies.find((m) => m instanceof messages.DatabaseError);
      if (error) {
        // A plan that no longer fits the tables (a migration ran since): prepare it again next time.
        if (!created && (error as messages.DatabaseError).code === '0A000') this.forget(text);
        throw error;
      }
      // BEGIN's own completion is not the statement's.
      return this.results<T>(begin ? replies.slice(replies.findIndex(isCompletion) + 1) : replies, options);
    });
  }

  /** A simple query (several statements, no parameters), as PGlite's `exec` answers it. */
  private simpleQuery(text: string, options?: QueryOptions): Promise<Results[]> {
    return this._runExclusiveQuery(async () => {
      const { messages: replies } = await this.execProtocol(serialize.query(text), {
        syncToFs: false,
        throwOnError: false,
      });
      const error = replies.find((m) => m instanceof messages.DatabaseError);
      if (error) throw error;
      const out: Results[] = [];
      let from = 0;
      replies.forEach((m, i) => {
        if (!isCompletion(m)) return;
        out.push(this.results(replies.slice(from, i + 1), options));
        from = i + 1;
      });
      return out;
    });
  }

  private remember(text: string, name: string): void {
    this.statements.set(text, name);
    if (this.statements.size > STATEMENT_CACHE) this.forget(this.statements.keys().next().value!);
  }

  private forget(text: string): void {
    const name = this.statements.get(text);
    if (name === undefined) return;
    this.statements.delete(text);
    this.closing.push(name);
  }

  /**
   * The statement's result, as PGlite's own parser builds it, with each column's parser looked up
   * per value (PGlite's copies every parser of every type into a new object on each statement).
   */
  private results<T>(
    messages: messages.BackendMessage[],
    options: QueryOptions | undefined,
  ): Results<T> & { command?: string } {
    const own = options?.parsers;
    const result: Results<T> & { command?: string } = { rows: [], fields: [], affectedRows: 0 };
    const parsers: ((value: string | null) => unknown)[] = [];
    for (const message of messages) {
      if (message.name === 'rowDescription') {
        result.fields = (message as messages.RowDescriptionMessage).fields.map((f) => ({
          name: f.name,
          dataTypeID: f.dataTypeID,
        }));
        for (const { dataTypeID } of result.fields) {
          const parser = own?.[dataTypeID] ?? this.parsers[dataTypeID];
          parsers.push((v) => (v === null ? null : parser ? parser(v, dataTypeID) : v));
        }
      } else if (message.name === 'dataRow') {
        const values = (message as messages.DataRowMessage).fields.map((v, i) => parsers[i]!(v));
        result.rows.push(
          (options?.rowMode === 'array'
            ? values
            : Object.fromEntries(result.fields.map((f, i) => [f.name, values[i]]))) as T,
        );
      } else if (message.name === 'commandComplete') {
        const words = (message as messages.CommandCompleteMessage).text.split(' ');
        result.command = words[0]!;
        const count = Number.parseInt(words.at(-1)!, 10);
        if (['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE'].includes(words[0]!)) result.affectedRows = count;
      }
    }
    return result;
  }
}
