// The end-to-end path of `npm run bench`: the real server (`npm start`'s scripts/start.mjs: production build,
// migrations, `next start`) on a free port with its own DATA_DIR, an upload as the upload page sends it, and the
// wait until the incident's files are parsed, with page latency and the server's peak memory sampled meanwhile.
import { spawn, type ChildProcess } from "node:child_process";
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { pipeline } from "node:stream/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface BenchServer {
  base: string;
  /** The process started (scripts/start.mjs); the server is in its process tree. */
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * One HTTP request on a connection of its own (`agent: false`). A pooled keep-alive connection that the server
 * closes while the bench sends on it (the server idles connections out after 5 s, and the busy event loop widens
 * the window) fails the request with ECONNRESET: the very race this app diagnoses, not something to measure here.
 */
function request(
  url: string,
  opts: { method?: string; headers?: http.OutgoingHttpHeaders; send?: (req: http.ClientRequest) => Promise<void> } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.send) opts.send(req).then(() => req.end(), reject);
    else req.end();
  });
}

/** A multipart/form-data POST of `files` as field `file`, as a browser sends the upload page's form (with Content-Length). */
function postFiles(url: string, files: string[], headers: http.OutgoingHttpHeaders) {
  const boundary = `----emgbench${Date.now().toString(16)}`;
  const head = (f: string) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(f)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length = files.reduce((n, f) => n + head(f).length + statSync(f).size + 2, tail.length);
  return request(url, {
    method: "POST",
    headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": length },
    send: async (req) => {
      for (const f of files) {
        req.write(head(f));
        await pipeline(createReadStream(f, { highWaterMark: 1 << 20 }), req, { end: false });
        req.write("\r\n");
      }
      req.write(tail);
    },
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Starts the server as `npm start` does (building first when there is no build) and waits for /api/health. */
export async function startServer(dataDir: string, databaseUrl?: string): Promise<BenchServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.DATABASE_URL;
  // start.mjs sets the app's own memory settings (scripts/heap.mjs); BENCH_NODE_OPTIONS adds to them (an A/B of a flag).
  delete env.NODE_OPTIONS;
  if (process.env.BENCH_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  // Its own process group, so stop() ends exactly this tree. BENCH_APP_DIR: another checkout's server (before/after).
  const cwd = process.env.BENCH_APP_DIR ?? process.cwd();
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15 * 60_000; // a first build on a busy 2-core machine takes minutes
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before answering`);
    if (Date.now() > deadline) throw new Error("server did not answer /api/health in 15 minutes");
    try {
      if ((await request(`${base}/api/health`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  return {
    base,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    },
  };
}

/** Pids of `root` and all its descendants, from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

interface ProcMem {
  pid: number;
  name: string;
  hwmMiB: number;
  rssMiB: number;
}

function procMem(pid: number): ProcMem | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? 0);
    return { pid, name: /^Name:\s+(.*)$/m.exec(s)?.[1] ?? "?", hwmMiB: kb("VmHWM") / 1024, rssMiB: kb("VmRSS") / 1024 };
  } catch {
    return null;
  }
}

/** The largest process of the tree (the Next.js server, where parsing runs in open mode) and its peak RSS. */
export function peakMemory(root: number): ProcMem | null {
  const all = processTree(root)
    .map(procMem)
    .filter((m): m is ProcMem => m !== null);
  return all.sort((a, b) => b.hwmMiB - a.hwmMiB)[0] ?? null;
}

/** Resets VmHWM of the tree (`echo 5 > /proc/<pid>/clear_refs`) so the next peak is this ingest's own. */
export function resetPeakMemory(root: number): boolean {
  let ok = true;
  for (const pid of processTree(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      ok = false;
    }
  }
  return ok;
}

export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** The three slowest samples, each with when it started (s from the start of the upload). */
  slowest: Array<{ atS: number; ms: number }>;
}

interface Sample {
  atS: number;
  ms: number;
}

function stats(samples: Sample[], errors: number): LatencyStats {
  const s = samples.map((x) => x.ms).sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN);
  const slowest = [...samples].sort((a, b) => b.ms - a.ms).slice(0, 3);
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN, errors, slowest };
}

export interface IngestRun {
  uploadS: number;
  /** From the start of the POST to every file parsed. */
  totalS: number;
  files: Array<{ status: string; size: number }>;
  page: LatencyStats;
  api: LatencyStats;
  peak: ProcMem | null;
  peakIsOwn: boolean;
  /** The incident's page, e.g. /incidents/inc_…. */
  pagePath: string;
}

/**
 * Uploads `files` in one multipart POST (field `file`, as components/upload-panel.tsx sends it), then polls
 * /api/incidents/{id}/progress until nothing is queued or parsing, while two more loops GET the incident page and
 * /api/incidents/{id} every 200 ms.
 */
export async function ingestThroughServer(server: BenchServer, files: string[]): Promise<IngestRun> {
  const peakIsOwn = resetPeakMemory(server.child.pid!);
  // A browser's same-origin POST; open mode refuses other origins (lib/auth/request-guard.ts).
  const headers = { origin: server.base, "sec-fetch-site": "same-origin" };
  const t0 = performance.now();
  const res = await postFiles(`${server.base}/api/incidents`, files, headers);
  const body = JSON.parse(res.text) as { id?: string; url?: string; error?: { message: string } };
  if (res.status !== 201 || !body.id || !body.url)
    throw new Error(`upload: HTTP ${res.status} ${body.error?.message ?? ""}`);
  const uploadS = (performance.now() - t0) / 1000;
  const { id } = body;
  const pagePath = new URL(body.url).pathname;

  let done = false;
  const page: Sample[] = [];
  const api: Sample[] = [];
  let pageErrors = 0;
  let apiErrors = 0;
  const timeGet = async (url: string, into: Sample[]): Promise<boolean> => {
    try {
      const r = await timedPageGet(url);
      into.push({ atS: (r.startedAt - t0) / 1000, ms: r.ms });
      return r.status === 200;
    } catch {
      return false;
    }
  };
  // One loop per URL, each starting a GET every 200 ms or when the previous one answers, whichever is later.
  const sampleLoop = async (url: string, into: Sample[], onError: () => void) => {
    while (!done) {
      const tick = performance.now();
      if (!(await timeGet(url, into))) onError();
      await sleep(Math.max(0, 200 - (performance.now() - tick)));
    }
  };
  const sampler = Promise.all([
    sampleLoop(`${server.base}${pagePath}`, page, () => pageErrors++),
    sampleLoop(`${server.base}/api/incidents/${id}`, api, () => apiErrors++),
  ]);

  let progress: { pending: boolean; files: Array<{ status: string; size: number }> };
  for (;;) {
    const r = await request(`${server.base}/api/incidents/${id}/progress`);
    if (r.status !== 200) throw new Error(`progress: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    progress = JSON.parse(r.text) as typeof progress;
    if (!progress.pending) break;
    await sleep(200);
  }
  const totalS = (performance.now() - t0) / 1000;
  done = true;
  await sampler;
  return {
    uploadS,
    totalS,
    files: progress.files,
    page: stats(page, pageErrors),
    api: stats(api, apiErrors),
    peak: peakMemory(server.child.pid!),
    peakIsOwn,
    pagePath,
  };
}

/** GETs a page `times` times, one after another; the times in ms. */
/** A GET as a browser on the app's own pages sends it, timed. */
async function timedPageGet(url: string): Promise<{ status: number; startedAt: number; ms: number }> {
  const startedAt = performance.now();
  const r = await request(url, { headers: { "sec-fetch-site": "same-origin" } });
  return { status: r.status, startedAt, ms: performance.now() - startedAt };
}

export async function getPage(server: BenchServer, pagePath: string, times: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const r = await timedPageGet(`${server.base}${pagePath}`);
    if (r.status !== 200) throw new Error(`${pagePath}: HTTP ${r.status}`);
    ms.push(Math.round(r.ms));
  }
  return ms;
}
