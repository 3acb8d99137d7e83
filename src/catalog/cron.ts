import { Cron } from "croner";

/**
 * A standard 5-field cron expression (minute hour day-of-month month day-of-week). croner also
 * accepts a seconds field and `@daily`-style aliases, which schedulers downstream do not, so the
 * field count is checked first. croner rather than cron-parser: the same field rules without a
 * date library, whose loading was a large share of `gitsync validate`'s start-up.
 * Where the two differ, cron-parser's stricter answer is kept: `W` (nearest weekday) is refused,
 * and so is a day of the month that none of the listed months has (`0 0 31 2 *` never runs).
 * Jenkins' `H` was accepted by cron-parser and is refused now.
 */
export function isCronExpression(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const [minute, hour, day, month] = fields as [string, string, string, string, string];
  if (/w/i.test(day)) return false;
  try {
    // paused: only the pattern is wanted; no timer is ever scheduled.
    new Cron(fields.join(" "), { paused: true });
    // Only an explicit day with explicit months can never match; the day of the week is left out
    // as cron-parser left it out.
    if (!isAny(day) && !isAny(month) && new Cron(`${minute} ${hour} ${day} ${month} *`, { paused: true }).nextRun() === null) return false;
    return true;
  } catch {
    return false;
  }
}

function isAny(field: string): boolean {
  return field === "*" || field === "?";
}
