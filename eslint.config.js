// @ts-check
/**
 * ESLint: typescript-eslint's type-checked recommended rules on every TypeScript file, the plain
 * recommended rules on the browser's JavaScript. Rules are turned off only where they flag
 * correct code of this project without catching bugs; each says why.
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "data/", "bench/.work/", "node_modules/", "**/*.cjs"] },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_name` marks a parameter kept for its position (callbacks, interface shapes).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Template literals with numbers and booleans are how messages are written; objects are still caught.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // Probot, Octokit and git's callbacks type their results loosely: every such value is checked where it is used.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      // Route handlers and event listeners are async functions given to APIs typed as returning void.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      // `async` methods that implement an async interface without awaiting are correct.
      "@typescript-eslint/require-await": "off",
      // Values read from JSON are `unknown`: `String(value ?? "")` is the message text intended.
      "@typescript-eslint/no-base-to-string": "off",
      // A wrapper that re-raises what a library raised passes it on unchanged, Error or not.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  {
    files: ["src/**/*.ts", "src/**/*.js"],
    rules: {
      // Validation matches control characters on purpose: they are what it refuses.
      "no-control-regex": "off",
    },
  },
  {
    files: ["src/store/migrations/*.ts"],
    rules: {
      // A migration takes `Kysely<any>`: the schema at that point in history is not today's.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      // Test doubles stand in for loosely typed third-party objects (Probot, Octokit, forges' replies).
      "@typescript-eslint/no-explicit-any": "off",
      // `expect(obj.method)` and spies take methods unbound on purpose.
      "@typescript-eslint/unbound-method": "off",
      // nock's reply callbacks bind their own `this`: the harness is reached through an alias.
      "@typescript-eslint/no-this-alias": "off",
    },
  },
  {
    files: ["src/web/**/*.js"],
    rules: {
      // The browser code is typechecked (src/web/tsconfig.json), which knows the DOM's globals.
      "no-undef": "off",
    },
  },
  {
    files: ["eslint.config.js", ".dependency-cruiser.cjs"],
    languageOptions: { globals: { module: "readonly", process: "readonly" } },
  },
);
