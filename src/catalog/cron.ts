import { CronExpressionParser } from "cron-parser";

/**
 * A standard 5-field cron expression (minute hour day-of-month month day-of-week). cron-parser
 * also accepts a seconds field and `@daily`-style aliases, which schedulers downstream do not,
 * so the field count is checked first.
 */
export function isCronExpression(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  try {
    CronExpressionParser.parse(fields.join(" "));
    return true;
  } catch {
    return false;
  }
}
