/** Every API shape, for callers that name them as `api.Tenant`, `api.TokenInput`, ... */

export * from "./common.js";
export * from "./connections.js";
export * from "./drift.js";
export * from "./git.js";
export * from "./integrity.js";
export * from "./jobs.js";
export * from "./log.js";
export * from "./pulls.js";
export * from "./resources.js";
export * from "./review.js";
export * from "./sync.js";
export * from "./tenants.js";
export * from "./tokens.js";
