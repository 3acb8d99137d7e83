import type { Store } from "../core/store.js";
import type { Actor } from "../core/types.js";
import { DEMO_CONNECTIONS, DEMO_RESOURCES, DEMO_TENANT } from "./demo.js";
import { newTokenSecret } from "./routes/tokens.js";

export const FIRST_ADMIN = { name: "gitsync admin", email: "admin@gitsync.invalid" };
const SEED_ACTOR: Actor = { name: "gitsync", email: "gitsync@gitsync.invalid" };

export interface FirstStartOptions {
  store: Store;
  /** GITSYNC_ADMIN_TOKEN, or null to generate one. */
  adminToken: string | null;
  demo: boolean;
}

export interface FirstStartResult {
  /** True when this start created the first admin (and the demo tenant). */
  created: boolean;
  /** A generated admin token, to be shown once; null when none was generated. */
  generatedToken: string | null;
}

/**
 * On an empty database: the first admin with a token, and the `demo` tenant, in one transaction
 * (a crash half-way leaves an empty database, so the next start does it all again). On later
 * starts only GITSYNC_ADMIN_TOKEN is honoured: if it is set and unknown, it is added for the
 * first admin, so an operator can always get back in.
 */
export async function firstStart(options: FirstStartOptions): Promise<FirstStartResult> {
  const { store } = options;
  return store.transaction(async (tx) => {
    const users = await tx.listUsers();
    if (users.length > 0) {
      if (options.adminToken !== null && !(await tx.findToken(options.adminToken))) {
        const admin = users.find((u) => u.role === "admin");
        if (admin) await tx.createToken({ userId: admin.id, label: "GITSYNC_ADMIN_TOKEN", role: "admin", secret: options.adminToken });
      }
      return { created: false, generatedToken: null };
    }
    const admin = await tx.createUser({ ...FIRST_ADMIN, role: "admin" });
    const secret = options.adminToken ?? newTokenSecret();
    await tx.createToken({
      userId: admin.id,
      label: options.adminToken !== null ? "GITSYNC_ADMIN_TOKEN" : "first start",
      role: "admin",
      secret,
    });
    if (options.demo && !(await tx.getTenant(DEMO_TENANT.slug))) {
      await tx.createTenant(DEMO_TENANT);
      for (const connection of DEMO_CONNECTIONS) await tx.putConnection(DEMO_TENANT.slug, { ...connection, credentials: null });
      for (const { kind, name, body } of DEMO_RESOURCES) {
        const project = typeof body.project === "string" ? body.project : null;
        // outbox: the first sync writes the demo tenant to its repository like any API change.
        await tx.putResource(DEMO_TENANT.slug, { kind, name, body, project, actor: SEED_ACTOR, outbox: true });
      }
    }
    return { created: true, generatedToken: options.adminToken === null ? secret : null };
  });
}
