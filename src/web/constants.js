/** @import { Direction, LogStatus } from "./types.js" */

/** @type {Direction[]} */
export const DIRECTIONS = ["INBOUND", "OUTBOUND", "SNAPSHOT", "IMPORT"];
/** @type {LogStatus[]} */
export const LOG_STATUSES = ["queued", "syncing", "done", "failed", "skipped", "conflict"];

/**
 * The kinds the UI lists, by folder name, with the kind id the API reports in `kind`.
 * @type {{ folder: string, id: string, title: string }[]}
 */
export const KINDS = [
  { folder: "models", id: "model", title: "Models" },
  { folder: "syncs", id: "sync", title: "Syncs" },
  { folder: "jobs", id: "job", title: "Jobs" },
  { folder: "file-definitions", id: "file-definition", title: "File definitions" },
  { folder: "cluster-definitions", id: "cluster-definition", title: "Cluster definitions" },
  { folder: "python-environments", id: "python-environment", title: "Python environments" },
];
