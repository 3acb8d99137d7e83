/**
 * The layers' boundaries (dependency-cruiser): core imports nothing outside core; an adapter
 * (src/providers/<name>/) never imports another (the kit and core are shared); sync never
 * imports providers or the server; the API's shapes (src/api) import only core; the browser code
 * imports only core's and the API's types; nothing under src imports tests; no import cycles.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-is-self-contained",
      comment: "src/core holds the domain's types and ports: it depends on nothing else of the project",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "adapters-stay-apart",
      comment: "an adapter reaches another only through the port in src/core or the shared src/providers/kit",
      severity: "error",
      from: { path: "^src/providers/([^/]+)/" },
      to: { path: "^src/providers/([^/]+)/", pathNot: ["^src/providers/$1/", "^src/providers/kit/"] },
    },
    {
      name: "sync-knows-only-ports",
      comment: "the sync engine talks to forges and clients through core's ports, never to an adapter or the server",
      severity: "error",
      from: { path: "^src/sync/" },
      to: { path: "^src/(providers|server)/" },
    },
    {
      name: "api-shapes-know-only-core",
      comment: "the API's shapes are read by the server, the CLI and the browser's type check: they depend on core alone",
      severity: "error",
      from: { path: "^src/api/" },
      to: { path: "^src/", pathNot: ["^src/api/", "^src/core/"] },
    },
    {
      name: "web-imports-only-core",
      comment: "the browser code is shipped as is: it may share core's and the API's types, never server code",
      severity: "error",
      from: { path: "^src/web/", pathNot: "^src/web/build\\.ts$" },
      to: { path: "^src/", pathNot: ["^src/web/", "^src/core/", "^src/api/"] },
    },
    {
      name: "web-imports-only-types",
      comment: "what the browser loads is its own modules: anything from core or the API's shapes is a type, erased at build",
      severity: "error",
      from: { path: "^src/web/", pathNot: "^src/web/build\\.ts$" },
      to: { path: "^src/(core|api)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-tests-in-src",
      comment: "product code never depends on test code",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      comment: "a cycle makes load order matter and layers meaningless (a type-only import is erased at build time: no load order)",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
