import { GitsyncError } from "../../core/index.js";

/**
 * A remote as gitsync reaches it. Only HTTPS and SSH are accepted: git's other transports
 * (`file://`, `ext::`, local paths) would let a connection read the server's own disk or run
 * commands. Plain `http://` is accepted for loopback hosts only, where nothing crosses a network.
 */
export interface RemoteUrl {
  transport: "https" | "ssh";
  /** The URL exactly as git is given it. */
  url: string;
  host: string;
  /** The SSH port (22 unless the URL names another); the HTTPS port is not needed. */
  port: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
/** `user@host:path`, git's scp-like form; the path must not start with `/`-less `-`. */
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)([^\s]+)$/;

function invalid(url: string, why: string): GitsyncError {
  return new GitsyncError("bad_request", `invalid git repository URL '${url}': ${why}`, { field: "repository" });
}

export function parseRemoteUrl(url: string): RemoteUrl {
  if (url.startsWith("-") || /[\s\0]/.test(url)) throw invalid(url, "it must not start with '-' or hold spaces");
  const scp = SCP_LIKE.exec(url);
  if (scp) return { transport: "ssh", url, host: scp[2]!, port: 22 };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, "use https://host/path, ssh://user@host[:port]/path or user@host:path");
  }
  if (parsed.username !== "" || parsed.password !== "") {
    if (parsed.protocol !== "ssh:" || parsed.password !== "") {
      throw invalid(url, "credentials never go in the URL: give them as the connection's token, username or password");
    }
  }
  if (parsed.search !== "" || parsed.hash !== "") throw invalid(url, "no query or fragment");
  if (parsed.pathname === "/" || parsed.pathname === "") throw invalid(url, "it names no repository path");
  switch (parsed.protocol) {
    case "https:":
      return { transport: "https", url, host: parsed.hostname, port: 443 };
    case "http:":
      if (!LOOPBACK.has(parsed.hostname)) throw invalid(url, "plain http is only accepted on loopback: use https");
      return { transport: "https", url, host: parsed.hostname, port: 80 };
    case "ssh:":
      if (parsed.username === "") throw invalid(url, "an ssh URL names its user (ssh://git@host/path)");
      return { transport: "ssh", url, host: parsed.hostname, port: parsed.port === "" ? 22 : Number(parsed.port) };
    default:
      throw invalid(url, `the ${parsed.protocol.replace(/:$/, "")} transport is not supported: use https or ssh`);
  }
}

/** `host` or `[host]:port`, as known_hosts and ssh's messages name a server. */
export function knownHostsName(remote: RemoteUrl): string {
  return remote.port === 22 ? remote.host : `[${remote.host}]:${remote.port}`;
}
