import type { ConnectionInput } from "../core/store.js";
import type { JsonObject } from "../core/types.js";

/**
 * The `demo` tenant made on first start: a few resources of every exported built-in kind that
 * reference each other, so a newcomer's first sync shows every folder. The connections carry no
 * credentials (they are flagged as needing them). A test checks all of it against the validator.
 */
export const DEMO_TENANT = { slug: "demo", name: "Demo workspace" };

export const DEMO_CONNECTIONS: ConnectionInput[] = [
  { name: "warehouse", type: "postgres", role: "source", host: "warehouse.example.com", port: 5432, database: "analytics", username: "gitsync" },
  { name: "crm", type: "salesforce", role: "destination", host: "example.my.salesforce.com", port: null, database: null, username: "integration@example.com" },
];

export interface DemoResource {
  kind: string;
  name: string;
  body: JsonObject;
}

export const DEMO_RESOURCES: DemoResource[] = [
  {
    kind: "model",
    name: "active-customers",
    body: {
      name: "active-customers",
      source: "warehouse",
      type: "raw_sql",
      dbtModel: null,
      rawSql: "select id, email, plan from customers where active",
      isSchema: false,
      primaryKey: "id",
      project: "marketing",
    },
  },
  {
    kind: "model",
    name: "accounts",
    body: {
      name: "accounts",
      source: "warehouse",
      type: "table",
      dbtModel: null,
      tableName: "public.accounts",
      isSchema: false,
      primaryKey: "account_id",
      project: "sales",
    },
  },
  {
    kind: "sync",
    name: "customers-to-crm",
    body: {
      model: "active-customers",
      destination: "crm",
      config: { object: "Contact", mode: "upsert", mappings: [{ from: "email", to: "Email" }] },
      schedule: { type: "interval", every: "15m" },
      schedulePaused: false,
      project: "marketing",
    },
  },
  {
    kind: "sync",
    name: "accounts-to-crm",
    body: {
      model: "accounts",
      destination: "crm",
      config: { object: "Account", mode: "update" },
      schedule: { type: "cron", expression: "0 6 * * 1-5" },
      schedulePaused: true,
      project: "sales",
    },
  },
  {
    kind: "file-definition",
    name: "orders-csv",
    body: { name: "orders-csv", type: "csv", filePath: "/landing/orders", extension: "csv", delimiter: ",", hasHeader: true, encoding: "utf-8" },
  },
  {
    kind: "cluster-definition",
    name: "small-spark",
    body: { name: "small-spark", type: "spark", configuration: { workers: 2, nodeType: "standard" } },
  },
  {
    kind: "python-environment",
    name: "etl",
    body: { name: "etl", path: "/opt/envs/etl", pythonVersion: "3.11", packages: ["pandas", "pyarrow"] },
  },
  {
    kind: "job",
    name: "load-orders",
    body: {
      name: "load-orders",
      project: "sales",
      description: "Loads the daily orders file into the warehouse",
      enabled: true,
      schedule: { type: "cron", expression: "30 2 * * *" },
      dependsOn: [],
      tasks: [
        {
          name: "load",
          type: "file-to-database",
          targetConnection: "warehouse",
          fileDefinition: "orders-csv",
          tables: [
            {
              name: "orders",
              columns: [
                { name: "order_id", type: "integer", key: true },
                { name: "amount", type: "numeric" },
              ],
              configuration: { truncate: true },
            },
          ],
        },
      ],
    },
  },
  {
    kind: "job",
    name: "score-accounts",
    body: {
      name: "score-accounts",
      project: "sales",
      enabled: false,
      dependsOn: ["load-orders"],
      tasks: [
        { name: "score", type: "python-script", pythonEnvironment: "etl", clusterDefinition: "small-spark", tables: [] },
      ],
    },
  },
];
