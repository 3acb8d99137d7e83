export * from "./errors.js";
export * from "./types.js";
export * from "./git-provider.js";
export * from "./store.js";
export * from "./local-review.js";
export * from "./refs.js";
export * from "./metrics.js";
export * from "./jobs.js";
