import type { Document, Node } from "yaml";
import { yaml } from "../catalog/lazy-yaml.js";

export interface Position {
  line: number;
  column: number;
}

export type InstancePath = readonly (string | number)[];

/**
 * Line and column of anything in one file. The parsed document keeps offsets only; line starts
 * are computed on the first question, so a valid file never pays for them.
 */
export class Positions {
  private lineStarts: number[] | undefined;
  private parsed: Document.Parsed | undefined;

  /** `reparse` rebuilds the document after `release()`, for the rare late question. */
  constructor(
    private readonly text: string,
    doc: Document.Parsed | undefined,
    private readonly reparse?: (text: string) => Document.Parsed,
  ) {
    this.parsed = doc;
  }

  /** Drops the document so thousands of valid files do not keep their syntax trees alive. */
  release(): void {
    if (this.reparse) this.parsed = undefined;
  }

  private get doc(): Document.Parsed | undefined {
    if (!this.parsed && this.reparse) this.parsed = this.reparse(this.text);
    return this.parsed;
  }

  at(offset: number): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  /** The start of the document's content (its first key), or 1:1. */
  start(): Position {
    const range = this.doc?.contents?.range;
    return range ? this.at(range[0]) : { line: 1, column: 1 };
  }

  /** Where the field at `path` is named: its key in a mapping, the item itself in a list. */
  key(path: InstancePath): Position {
    const found = this.locate(path);
    const node = found.key ?? found.value;
    return node?.range ? this.at(node.range[0]) : this.start();
  }

  /** Where the field's value is when it is a scalar; else where the field is named. */
  value(path: InstancePath): Position {
    const found = this.locate(path);
    if (found.value && yaml().isScalar(found.value) && found.value.range) return this.at(found.value.range[0]);
    return this.key(path);
  }

  /** The nodes on the way to `path`, stopping at the deepest one that exists. */
  private locate(path: InstancePath): { key: Node | null; value: Node | null } {
    let key: Node | null = null;
    let value: Node | null = (this.doc?.contents as Node | null | undefined) ?? null;
    const { isMap, isScalar, isSeq } = yaml();
    for (const part of path) {
      if (isMap(value)) {
        const pair = value.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
        if (!pair) break;
        key = pair.key as Node;
        value = (pair.value as Node | null) ?? null;
      } else if (isSeq(value) && typeof part === "number") {
        const item = value.items[part] as Node | undefined;
        if (!item) break;
        key = item;
        value = item;
      } else break;
    }
    return { key, value };
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
