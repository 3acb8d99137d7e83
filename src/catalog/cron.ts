import { Cron } from "croner";

/**
 * A standard 5-field cron expression (minute hour day-of-month month day-of-week). croner also
 * accepts a seconds field and `@daily`-style aliases, which schedulers downstream do not, so the
 * field count is checked first. croner rather than cron-parser: the same field rules without a
 * date library, which cost `gitsync validate` about 100 ms of start-up (docs/validation.md).
 */
export function isCronExpression(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  try {
    // paused: only the pattern is wanted; no timer is ever scheduled.
    new Cron(fields.join(" "), { paused: true });
    return true;
  } catch {
    return false;
  }
}
