import { execFileSync } from "node:child_process";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callBuilt, serveBuilt, type BuiltServer } from "./built-server.js";
import { cloneTenant, createTenant, eventually, HOOK_SECRET, inboundEntry, modelYaml, postLocalWebhook, pushQuietly } from "./jobs-world.js";

/**
 * Work that fails is never lost: after its tries it is a failed job, listed with its error;
 * a redelivery of the same delivery, or the retry endpoint, runs it again. The failure here is
 * real: the pushed file's content is missing from the bare repository while the job runs.
 */

describe("failed jobs on a built server", () => {
  let server: BuiltServer;
  let bare: string;
  let clone: string;
  // The commit stays (the webhook is accepted), the new file's content goes: reading it fails.
  // A push this small arrives as loose objects.
  const blobOf = (name: string) => {
    const sha = execFileSync("git", ["rev-parse", `HEAD:models/${name}.yaml`], { cwd: clone, encoding: "utf8" }).trim();
    return join(bare, "objects", sha.slice(0, 2), sha.slice(2));
  };

  beforeAll(async () => {
    server = await serveBuilt({
      env: { LOCAL_WEBHOOK_SECRET: HOOK_SECRET, GITSYNC_DEMO: "false", GITSYNC_LOCAL_PUSH_CHECK: "off", GITSYNC_JOB_RETRIES: "1", GITSYNC_JOB_RETRY_DELAY_MS: "100", GITSYNC_RECONCILE_INTERVAL: "0" },
    });
    await createTenant(server, "shaky");
    bare = join(server.dataDir, "repos", "shaky.git");
    clone = cloneTenant(server.dataDir, "shaky");
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  const failedJobs = async () => (await callBuilt(server, "GET", "/api/v1/tenants/shaky/jobs?state=failed")).body.items as any[];

  async function failingDelivery(name: string) {
    const push = pushQuietly(clone, { [`models/${name}.yaml`]: modelYaml(name) }, `add ${name}`, bare);
    const before = (await failedJobs()).length;
    const blob = blobOf(name);
    renameSync(blob, `${blob}.away`);
    try {
      const answer = await postLocalWebhook(server, "shaky", push);
      expect(answer.status).toBe(202);
      const failed = await eventually(async () => {
        const jobs = await failedJobs();
        return jobs.length > before ? jobs[0] : undefined;
      }, 60_000, "the failed job");
      return { push, answer, failed };
    } finally {
      renameSync(`${blob}.away`, blob);
    }
  }

  it("lists a failed webhook job with its error and tries; a redelivery runs it again", async () => {
    const { push, answer, failed } = await failingDelivery("first");
    expect(failed).toMatchObject({ kind: "webhook", tenant: "shaky", state: "failed", attempts: 2, id: answer.body.job });
    expect(failed.error).toEqual(expect.any(String));
    expect(failed.error).not.toContain(HOOK_SECRET);
    const log = await callBuilt(server, "GET", "/api/v1/tenants/shaky/log?limit=5");
    expect(log.body.items.some((e: any) => e.status === "failed" && e.error.includes(`job ${failed.id}`))).toBe(true);

    const again = await postLocalWebhook(server, "shaky", push, answer.body.delivery);
    expect(again.body).toMatchObject({ accepted: true, duplicate: false });
    const entry = await eventually(() => inboundEntry(server, "shaky", push.after), 60_000, "the redelivered push applied");
    expect(entry.status).toBe("done");
    expect((await callBuilt(server, "GET", "/api/v1/tenants/shaky/resources/models/first")).status).toBe(200);
  }, 120_000);

  it("runs a failed job again from the retry endpoint (admin only), and counts failures in the metrics", async () => {
    const { push, failed } = await failingDelivery("second");
    const viewer = await callBuilt(server, "POST", `/api/v1/tenants/shaky/jobs/${failed.id}/retry`, { token: null });
    expect(viewer.status).toBe(401);
    const retried = await callBuilt(server, "POST", `/api/v1/tenants/shaky/jobs/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: failed.id, state: "queued" });
    const entry = await eventually(() => inboundEntry(server, "shaky", push.after), 60_000, "the retried job applied");
    expect(entry.status).toBe("done");
    const done = await eventually(async () => {
      const jobs = (await callBuilt(server, "GET", "/api/v1/tenants/shaky/jobs?state=done")).body.items as any[];
      return jobs.find((j) => j.id === failed.id);
    }, 30_000, "the job marked done");
    expect(done.state).toBe("done");
    // Retrying a job that is not failed is refused.
    expect((await callBuilt(server, "POST", `/api/v1/tenants/shaky/jobs/${failed.id}/retry`)).status).toBe(409);
    expect((await callBuilt(server, "GET", "/api/v1/tenants/shaky/jobs?state=bogus")).status).toBe(400);

    const metrics = (await callBuilt(server, "GET", "/metrics")).text;
    expect(metrics).toMatch(/gitsync_job_failures_total\{kind="webhook"\} [4-9]/);
    expect(metrics).toContain('gitsync_job_queue_depth{kind="webhook"} 0');
    expect(metrics).toContain('gitsync_job_queue_depth{kind="outbound"} 0');
  }, 120_000);
});
