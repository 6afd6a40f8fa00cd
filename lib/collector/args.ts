/** The collector's command line. Pure; errors are messages for the customer. */
import { DEFAULT_DURATION_S, GATHER_STEPS } from "./steps";
import { CollectError } from "./discover";

export interface CollectorArgs {
  config?: string;
  logDir?: string;
  durationS: number;
  until502: number | null;
  capture: boolean;
  logsAndConfig: boolean;
  upload?: string;
  out?: string;
  help: boolean;
}

export const USAGE = `emg-collect.mjs: gathers Edge Microgateway 502 evidence on this host into one .tar.gz

  sudo node emg-collect.mjs [--until-502 N] [--duration SECONDS] [--upload LINK]

  --config PATH      the ORG-ENV-config.yaml that runs (default: the one in ~/.edgemicro)
  --log-dir DIR      the gateway's log dir (default: edgemicro.logging.dir of the config, else /var/tmp)
  --duration S       capture for at most S seconds (default ${DEFAULT_DURATION_S})
  --until-502 N      stop the capture once N new [502] lines were logged (reproduce the problem meanwhile)
  --capture-only     only the capture (logs and config were sent already)
  --no-capture       only logs and config (no tcpdump, no root needed)
  --upload LINK      upload the bundle through your upload link and print the read-only result link
  --out FILE         where to write the bundle (default ./emg-bundle-HOST-TIME.tar.gz)

What it gathers:
${GATHER_STEPS.map((s) => `  - ${s.what}`).join("\n")}
Ctrl-C stops the capture early; the bundle is still written.`;

/** The options that take a path or a link, and the field each one sets. */
const TEXT_OPTIONS = new Map<string, "config" | "logDir" | "upload" | "out">([
  ["--config", "config"],
  ["--log-dir", "logDir"],
  ["--upload", "upload"],
  ["--out", "out"],
]);

export function parseArgs(argv: string[]): CollectorArgs {
  const a: CollectorArgs = {
    durationS: DEFAULT_DURATION_S,
    until502: null,
    capture: true,
    logsAndConfig: true,
    help: false,
  };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new CollectError(`${flag} needs a value.\n\n${USAGE}`);
    return v;
  };
  const positive = (v: string, flag: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new CollectError(`${flag} needs a whole number above 0, not "${v}".`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const field = TEXT_OPTIONS.get(f);
    if (field !== undefined) {
      a[field] = value(i++, f);
      continue;
    }
    switch (f) {
      case "--duration":
        a.durationS = positive(value(i++, f), f);
        break;
      case "--until-502":
        a.until502 = positive(value(i++, f), f);
        break;
      case "--capture-only":
        a.logsAndConfig = false;
        break;
      case "--no-capture":
        a.capture = false;
        break;
      case "-h":
      case "--help":
        a.help = true;
        break;
      default:
        throw new CollectError(`Unknown option ${f}.\n\n${USAGE}`);
    }
  }
  if (!a.capture && !a.logsAndConfig)
    throw new CollectError("--capture-only and --no-capture leave nothing to gather: use one of them.");
  if (!a.capture && a.until502 !== null)
    throw new CollectError("--until-502 stops a capture: it has no meaning with --no-capture.");
  return a;
}
