import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { githubAppConfigured, loadConfig } from "../../src/server/config.js";

describe("loadConfig", () => {
  it("defaults to port 3000, ./data and SQLite, with GitHub in setup mode", () => {
    const config = loadConfig({}, "/srv/app");
    expect(config).toMatchObject({
      port: 3000,
      host: null,
      dataDir: resolve("/srv/app", "data"),
      databaseUrl: null,
      adminToken: null,
      secretKey: null,
      schemasDir: null,
      bodyLimit: 1024 * 1024,
      demo: true,
    });
    expect(config.github.webhookPath).toBe("/api/github/webhooks");
    expect(githubAppConfigured(config)).toBe(false);
  });

  it("reads every documented variable", () => {
    const config = loadConfig(
      {
        PORT: "8080",
        GITSYNC_DATA_DIR: "/var/lib/gitsync",
        DATABASE_URL: "postgres://u@127.0.0.1/db",
        GITSYNC_ADMIN_TOKEN: "0123456789abcdef0123",
        GITSYNC_SECRET_KEY: "k".repeat(64),
        GITSYNC_SCHEMAS_DIR: "kinds",
        APP_ID: "42",
        PRIVATE_KEY: "pem",
        WEBHOOK_SECRET: "whs",
        GHE_HOST: "github.example.com",
        GITLAB_WEBHOOK_SECRET: "gl",
        GITLAB_BASE_URL: "https://gitlab.example.com/",
        BITBUCKET_WEBHOOK_SECRET: "bb",
        BITBUCKET_BASE_URL: "https://bitbucket.example.com",
        LOCAL_WEBHOOK_SECRET: "lo",
        LOG_LEVEL: "debug",
        LOG_FORMAT: "json",
      },
      "/srv/app",
    );
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe("/var/lib/gitsync");
    expect(config.schemasDir).toBe(resolve("/srv/app", "kinds"));
    expect(config.github).toMatchObject({ appId: "42", privateKey: "pem", webhookSecret: "whs", gheHost: "github.example.com" });
    expect(config.gitlab).toEqual({ webhookSecret: "gl", baseUrl: "https://gitlab.example.com" });
    expect(config.bitbucket.baseUrl).toBe("https://bitbucket.example.com");
    expect(config.local.webhookSecret).toBe("lo");
    expect(config.log).toEqual({ level: "debug", format: "json" });
    expect(githubAppConfigured(config)).toBe(true);
  });

  it("rejects bad values naming the variable, never echoing the value", () => {
    const bad: [Record<string, string>, string][] = [
      [{ PORT: "eighty" }, "PORT"],
      [{ PORT: "70000" }, "PORT"],
      [{ DATABASE_URL: "mysql://root:hunter2@db/x" }, "DATABASE_URL"],
      [{ GITSYNC_ADMIN_TOKEN: "short-hunter2" }, "GITSYNC_ADMIN_TOKEN"],
      [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
      [{ GITLAB_BASE_URL: "not a url hunter2" }, "GITLAB_BASE_URL"],
      [{ GITSYNC_DEMO: "maybe" }, "GITSYNC_DEMO"],
    ];
    for (const [env, variable] of bad) {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error, variable).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).not.toContain("hunter2");
    }
  });
});
