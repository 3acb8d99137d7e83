import { describe, expect, it } from "vitest";
import { isCronExpression } from "../../src/catalog/cron.js";

describe("isCronExpression", () => {
  it.each(["30 1 * * *", "0 */2 * * *", "*/15 9-17 * * MON-FRI", "0 0 1,15 * *", "0 0 * JAN,JUL 0", "  5 4 * * 7  ", "1-5/2 * * * *", "0 0 29 2 *", "0 0 30 1,2 *", "0 0 * * WED", "0 0 L * *", "0 0 * * 5#3"])(
    "accepts the 5-field expression %j",
    (expression) => expect(isCronExpression(expression)).toBe(true),
  );

  it.each([
    ["a seconds field", "0 30 1 * * *"],
    ["too few fields", "30 1 * *"],
    ["an alias", "@daily"],
    ["minute 61", "61 1 * * *"],
    ["hour 24", "0 24 * * *"],
    ["month 13", "0 0 * 13 *"],
    ["day-of-week 8", "0 0 * * 8"],
    ["a zero step", "*/0 * * * *"],
    ["words", "a b c d e"],
    ["a day no listed month has", "0 0 31 2 *"],
    ["a day no listed month has, among several", "0 0 31 4,6,9,11 *"],
    ["nearest weekday (W)", "0 0 15W * *"],
    ["Jenkins' H", "H 0 * * *"],
    ["nothing", ""],
  ])("rejects %s", (_name, expression) => expect(isCronExpression(expression)).toBe(false));
});
