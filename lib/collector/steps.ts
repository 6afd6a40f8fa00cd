/**
 * What the must-gather collector gathers and how to run it: the one description used by the collector's
 * own help, the customer upload page (command + manual alternative) and the guided flow's must-gather
 * step. Pure, no I/O, no Node-only imports (also rendered by pages).
 */

/** Where the app serves the built collector (app/collector/[file]/route.ts). */
export const COLLECTOR_FILE = "emg-collect.mjs";
export const COLLECTOR_PATH = `/collector/${COLLECTOR_FILE}`;

/** Defaults the collector applies and the commands show. */
export const DEFAULT_DURATION_S = 600;
export const DEFAULT_UNTIL_502 = 5;

export type CollectMode = "all" | "capture-only" | "no-capture";

export interface GatherStep {
  id: "logs" | "config" | "capture" | "redact";
  what: string;
  /** How to do it by hand, for hosts where the collector cannot run. */
  manual: string;
}

export const GATHER_STEPS: GatherStep[] = [
  {
    id: "logs",
    what: "The gateway's event logs: edgemicro-HOSTNAME-*-api.log, rotated and gzipped ones included, from edgemicro.logging.dir of the config (default /var/tmp).",
    manual:
      "Copy every edgemicro-*-api.log (and .gz) file from the logging dir (edgemicro.logging.dir, default /var/tmp).",
  },
  {
    id: "config",
    what: "The gateway config that runs: ~/.edgemicro/ORG-ENV-config.yaml (or the file given with --config).",
    manual: "Copy ~/.edgemicro/ORG-ENV-config.yaml of the org and environment that runs.",
  },
  {
    id: "capture",
    what: "A tcpdump capture of the gateway↔target connections only (the targets are read from the config's proxies), until enough new 502s were logged or the time is up.",
    manual:
      "As root, while the problem happens: tcpdump -i any -s 0 -w capture.pcap 'tcp and (host TARGET_HOST and port TARGET_PORT)' — one host/port pair per proxy url in the config; stop it with Ctrl-C after a few 502s.",
  },
  {
    id: "redact",
    what: "Secrets (keys, secrets, passwords, tokens, PEM blocks, credentials in URLs) are replaced by [REDACTED] on the host before anything leaves it, with the same rules as the server; the list of what was redacted is printed and packed with the bundle.",
    manual:
      "Remove edgemicro_key, edgemicro_secret, passwords and certificates/keys from the config before sending it.",
  },
];

const MODE_FLAG: Record<CollectMode, string> = {
  all: "",
  "capture-only": " --capture-only",
  "no-capture": " --no-capture",
};

/** The upload route of a customer upload link (`/u/TOKEN` → `/u/TOKEN/upload`). */
export function uploadUrlOf(origin: string, token: string): string {
  return `${origin.replace(/\/$/, "")}/u/${token}/upload`;
}

/**
 * The one command a customer runs on the gateway host: download the collector from this app and run it as
 * root (tcpdump needs it). With an upload URL the bundle is uploaded; without, it is left as a file.
 */
export function collectorCommand(opts: { origin?: string; uploadUrl?: string; mode?: CollectMode }): string {
  const mode = opts.mode ?? "all";
  const args = `${MODE_FLAG[mode]}${mode === "no-capture" ? "" : ` --until-502 ${DEFAULT_UNTIL_502}`}${opts.uploadUrl ? ` --upload ${opts.uploadUrl}` : ""}`;
  const run = `sudo node ${COLLECTOR_FILE}${args}`;
  if (!opts.origin) return run;
  return `curl -fsSO ${opts.origin.replace(/\/$/, "")}${COLLECTOR_PATH} && ${run}`;
}

/** The collector's mode that gathers what a bundle lacks, or null when it lacks nothing the collector gathers. */
export function modeFor(lacks: { logs: boolean; config: boolean; capture: boolean }): CollectMode | null {
  if (!lacks.logs && !lacks.config && !lacks.capture) return null;
  if (lacks.capture && !lacks.logs && !lacks.config) return "capture-only";
  if (!lacks.capture) return "no-capture";
  return "all";
}
