/** Flags are 0/1 integers on both databases: better-sqlite3 cannot bind booleans. */
export const flag = (value: boolean): number => (value ? 1 : 0);

/**
 * The entries whose value is defined: a partial patch becomes the SET of an UPDATE, where an
 * undefined field means "leave the column as it is" and null means "clear it".
 */
export function definedOnly<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** JSON columns are text (see schema.ts); undefined stays undefined so definedOnly drops it. */
export const jsonText = <T>(value: T | undefined): string | undefined => (value === undefined ? undefined : JSON.stringify(value));
