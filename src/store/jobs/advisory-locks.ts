import pg from "pg";

/**
 * Tenant locks shared by every instance on one PostgreSQL: a session-level advisory lock, held
 * on a connection of this small pool of its own for as long as the work runs, and gone with the
 * connection if the process dies. The pool is apart from the store's so that work waiting for
 * a lock can never take the connections the lock holder's own queries need.
 *
 * Keys use PostgreSQL's two-integer form, a key space that never meets the one-integer lane
 * locks of the job queue: a job holding its lane lock may take its tenant's lock inside.
 */
const TENANT_SPACE = 7351;

export class AdvisoryLocks {
  private pool: pg.Pool | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly connections: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  private open(): pg.Pool {
    if (this.pool === null) {
      this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: this.connections });
      // An idle connection the server closed is reported, not thrown at the process.
      this.pool.on("error", this.onError);
    }
    return this.pool;
  }

  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.open().connect();
    let broken = false;
    try {
      await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [TENANT_SPACE, key]).catch((error: unknown) => {
        broken = true;
        throw error;
      });
      try {
        return await fn();
      } finally {
        // A connection that cannot unlock is closed instead, which releases the lock too.
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [TENANT_SPACE, key]).catch(() => (broken = true));
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }
}
