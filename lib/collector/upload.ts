/**
 * Uploads the bundle through a customer upload link (POST multipart to /u/TOKEN/upload, as the upload page
 * does) with progress, and retries when the connection drops. Answers the read-only result link.
 */
import http from "node:http";
import https from "node:https";
import { randomBytes } from "node:crypto";

export class UploadFailed extends Error {}

/** A customer's link (`…/u/TOKEN`) or its upload route (`…/u/TOKEN/upload`) → the upload route. */
export function uploadTarget(link: string): URL {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    throw new UploadFailed(`--upload needs the upload link you were given (https://…/u/TOKEN), not "${link}".`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new UploadFailed(`--upload needs an http(s) link, not "${link}".`);
  const m = /^(.*\/u\/[A-Za-z0-9_-]+)(\/upload)?\/?$/.exec(u.pathname);
  if (!m) throw new UploadFailed(`--upload needs the upload link you were given (…/u/TOKEN), not "${link}".`);
  u.pathname = `${m[1]}/upload`;
  return u;
}

/** Network errors worth another try: the connection dropped or could not be made for a moment. */
const RETRYABLE = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
]);

function postOnce(
  url: URL,
  name: string,
  data: Buffer,
  onProgress: (sent: number, total: number) => void,
): Promise<{ status: number; body: string }> {
  const boundary = `----emg-collect-${randomBytes(12).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/gzip\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = head.length + data.length + tail.length;
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": total },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.setTimeout(120_000, () => req.destroy(Object.assign(new Error("no answer for 120 s"), { code: "ETIMEDOUT" })));
    let sent = 0;
    const CHUNK = 256 * 1024;
    const parts = [
      head,
      ...Array.from({ length: Math.ceil(data.length / CHUNK) }, (_, i) => data.subarray(i * CHUNK, (i + 1) * CHUNK)),
      tail,
    ];
    // Writes wait for the socket to drain, so the progress follows what was really sent.
    const next = () => {
      while (parts.length) {
        const p = parts.shift()!;
        sent += p.length;
        onProgress(sent, total);
        if (!req.write(p)) return void req.once("drain", next);
      }
      req.end();
    };
    next();
  });
}

/**
 * Uploads with up to `attempts` tries on a dropped connection (waiting 1 s, 2 s, 4 s… between them).
 * HTTP answers are not retried: a 404 means the link is expired, revoked or used up.
 */
export async function uploadBundle(
  link: string,
  name: string,
  data: Buffer,
  opts: {
    attempts?: number;
    onProgress?: (sent: number, total: number) => void;
    onRetry?: (attempt: number, why: string) => void;
    wait?: (ms: number) => Promise<void>;
  } = {},
): Promise<string> {
  const url = uploadTarget(link);
  const attempts = opts.attempts ?? 4;
  const wait = opts.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let i = 1; ; i++) {
    try {
      const r = await postOnce(url, name, data, opts.onProgress ?? (() => undefined));
      if (r.status === 201) {
        const shareUrl = (JSON.parse(r.body) as { shareUrl?: string }).shareUrl;
        if (!shareUrl) throw new UploadFailed("The server accepted the upload but sent no result link.");
        return shareUrl;
      }
      if (r.status === 404)
        throw new UploadFailed(
          "The upload link is not valid any more (expired, revoked or used up). Ask for a new one; the bundle file is kept.",
        );
      if (r.status === 429)
        throw new UploadFailed(
          "The server refused the upload for now (too many attempts). Try again later; the bundle file is kept.",
        );
      let msg = "";
      try {
        msg = (JSON.parse(r.body) as { error?: { message?: string } }).error?.message ?? "";
      } catch {
        /* not JSON */
      }
      throw new UploadFailed(`The upload failed (HTTP ${r.status})${msg ? `: ${msg}` : ""}. The bundle file is kept.`);
    } catch (e) {
      const code = (e as { code?: string }).code ?? "";
      if (e instanceof UploadFailed || !RETRYABLE.has(code) || i >= attempts) {
        if (e instanceof UploadFailed) throw e;
        throw new UploadFailed(
          `The upload did not reach ${url.origin} (${code || (e as Error).message}) after ${i} attempt(s). The bundle file is kept; upload it on the page of your link.`,
        );
      }
      opts.onRetry?.(i, code);
      await wait(1000 * 2 ** (i - 1));
    }
  }
}
