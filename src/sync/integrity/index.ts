export { referenceExtractor } from "./references.js";
export { checkResourceWrite } from "./write-check.js";
export { assertUnreferenced } from "./delete-check.js";
export { formatDiagnostic, TenantIntegrity, type IntegrityReport } from "./tenant-check.js";
