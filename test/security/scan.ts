import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

/** Where a plaintext secret was found: `<needle> in <place>`. Empty when nowhere. */
export type Findings = string[];

function bytesIn(file: string, needles: readonly string[], out: Findings): void {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return;
  }
  for (const needle of needles) if (data.includes(Buffer.from(needle, "utf8"))) out.push(`${needle} in ${file}`);
}

/** The SQLite database, its write-ahead log and shared memory, byte by byte. */
export function scanSqlite(dataDir: string, needles: readonly string[]): { files: string[]; findings: Findings } {
  const files = ["gitsync.db", "gitsync.db-wal", "gitsync.db-shm"].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
  const findings: Findings = [];
  for (const file of files) bytesIn(file, needles, findings);
  return { files, findings };
}

function filesUnder(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Every text, JSON and bytea column of every table, read through SQL; then, when this process
 * may read them, the database's own files and the write-ahead log (after a checkpoint).
 */
export async function scanPostgres(url: string, needles: readonly string[]): Promise<{ columns: number; files: number; findings: Findings }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const findings: Findings = [];
  try {
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
       where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea')`,
    );
    for (const { table_name, column_name } of columns.rows) {
      const rows = await client.query<{ value: string | null }>(`select ${client.escapeIdentifier(column_name)}::text as value from ${client.escapeIdentifier(table_name)}`);
      for (const row of rows.rows) for (const needle of needles) if (row.value?.includes(needle)) findings.push(`${needle} in ${table_name}.${column_name}`);
    }
    const files = await dataFiles(client);
    for (const file of files) bytesIn(file, needles, findings);
    return { columns: columns.rowCount ?? 0, files: files.length, findings };
  } finally {
    await client.end();
  }
}

/** The database's files and the WAL, or none when the server's folder is not readable here. */
async function dataFiles(client: pg.Client): Promise<string[]> {
  try {
    await client.query("checkpoint");
    const dir = (await client.query<{ d: string }>("select current_setting('data_directory') as d")).rows[0]!.d;
    const oid = (await client.query<{ oid: number }>("select oid from pg_database where datname = current_database()")).rows[0]!.oid;
    const files = [...filesUnder(join(dir, "base", String(oid))), ...filesUnder(join(dir, "pg_wal"))];
    return files.filter((file) => statSync(file).size > 0);
  } catch {
    return [];
  }
}
