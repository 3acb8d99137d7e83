import { readFileSync } from "node:fs";
import { connect } from "node:net";

/** What an oversized upload got: the answer's status (null: none came) and the bytes sent by then. */
export interface UploadResult {
  status: number | null;
  sent: number;
}

/**
 * POSTs `total` bytes of JSON-looking filler to `url` over a plain socket, as an attacker's
 * script would, declaring the length (`declared`) or chunked, and stops sending as soon as an
 * answer's status line arrives or the server closes the connection. A socket rather than an
 * HTTP client: nothing between the test and the server buffers what is sent.
 */
export function upload(url: string, mode: "declared" | "chunked", total: number, headers: Record<string, string> = {}): Promise<UploadResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const socket = connect(Number(target.port), target.hostname);
    const result: UploadResult = { status: null, sent: 0 };
    let answer = "";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(result);
    };
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(answer);
      if (status && result.status === null) result.status = Number(status[1]);
      // The whole answer is in: done, whether or not the server closes the connection.
      const headEnd = answer.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: (\d+)/i.exec(answer.slice(0, headEnd));
      if (headEnd !== -1 && length && answer.length >= headEnd + 4 + Number(length[1])) finish();
    });
    socket.on("error", finish);
    socket.on("close", finish);
    const framing = mode === "declared" ? `content-length: ${total}` : "transfer-encoding: chunked";
    const head = [`POST ${target.pathname} HTTP/1.1`, `host: ${target.host}`, "content-type: application/json", framing, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    const filler = Buffer.alloc(64 * 1024, 0x20);
    const chunk = mode === "declared" ? filler : Buffer.concat([Buffer.from(`${filler.length.toString(16)}\r\n`), filler, Buffer.from("\r\n")]);
    const pump = (): void => {
      while (!done && result.status === null && result.sent < total) {
        result.sent += filler.length;
        if (!socket.write(chunk)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (!done && result.sent >= total && mode === "chunked") socket.write("0\r\n\r\n");
    };
    socket.once("connect", pump);
  });
}

/** The peak resident memory of a process so far, in bytes (Linux). */
export function peakMemory(pid: number): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line?.[1] ?? "0") * 1024;
}
