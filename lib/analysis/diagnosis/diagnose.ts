import { hopCheck, suggestGatewayKeepAlive } from "./hops";
import type { Cause, Diagnosis, DiagnosisEvidence, EvidenceRef, Step } from "./types";

export const GUIDE = "https://docs.apigee.com/api-platform/microgateway/edge-microgateway-troubleshooting";
export const DOC_502 = "https://docs.apigee.com/api-platform/troubleshoot/microgateway/502-bad-gateway-socket-hang-up";
const READ_MORE = {
  find: `${DOC_502}#common-diagnosis-steps`,
  target: `${DOC_502}#common-diagnosis-steps`,
  keepalive: `${DOC_502}#cause-incorrectly-configured-keep-alive-timeout`,
  premature: `${DOC_502}#cause-target-server-prematurely-closes-connection`,
  gather: `${DOC_502}#must-gather-diagnostic-information`,
};
const RACE = "keepalive-race";
const PREMATURE = "premature-close";
const ms = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000} s` : `${n} ms`);

/** The guided flow, answered from the evidence. Pure. */
export function diagnose(e: DiagnosisEvidence): Diagnosis {
  const { hops, violations } = hopCheck(e);
  const [lb, gw, tg] = hops;
  const logs = e.logs;
  const cap = e.capture?.present ? e.capture : null;
  const races = cap ? (cap.byClass[RACE] ?? 0) : 0;
  const prem = cap ? (cap.byClass[PREMATURE] ?? 0) : 0;
  const racesExpl = cap ? (cap.explained502[RACE] ?? 0) : 0;
  const premExpl = cap ? (cap.explained502[PREMATURE] ?? 0) : 0;
  const gwTgViolation = violations.find((v) => v.downstream === "gateway");
  const base = e.incidentId ? `/incidents/${e.incidentId}` : undefined;
  const logRef = (label: string): EvidenceRef => ({ kind: "log", label, ...(base ? { href: `${base}#targets-h` } : {}) });
  const capRef = (cls: string, label: string): EvidenceRef => ({ kind: "capture", label, ...(base ? { href: `${base}/connections?class=${cls}` } : {}) });
  const cfgRef = (label: string, line?: number): EvidenceRef => ({ kind: "config", label: line ? `${label} (${e.config?.fileName ?? "config"} line ${line})` : label });

  // --- verdict ---
  let cause: Cause;
  let confidence: Diagnosis["verdict"]["confidence"] = "low";
  let explains502 = 0;
  const prematureByAnswer = e.answers.targetLogsChecked === "yes-closed";
  if (logs.present && logs.status502 === 0 && races + prem === 0) {
    cause = "no-502";
    confidence = logs.coverage === "full" ? "high" : "medium";
  } else if (races > 0 && (prem > 0 || prematureByAnswer)) {
    cause = "both";
    confidence = "high";
    explains502 = racesExpl + premExpl;
  } else if (races > 0) {
    cause = "keepalive-mismatch";
    confidence = gwTgViolation || tg.source === "capture" ? "high" : "medium";
    explains502 = racesExpl;
  } else if (prem > 0) {
    cause = "premature-close";
    confidence = "high";
    explains502 = premExpl;
  } else if (gwTgViolation && logs.status502 > 0) {
    cause = prematureByAnswer ? "both" : "keepalive-mismatch";
    confidence = "medium";
    explains502 = logs.econnreset;
  } else if (prematureByAnswer && logs.status502 > 0) {
    cause = "premature-close";
    confidence = "low";
    explains502 = logs.econnreset;
  } else {
    cause = "insufficient-data";
  }

  // --- fix ---
  const org = e.config?.fileName?.match(/^(.+)-config\.ya?ml$/)?.[1] ?? "ORG-ENV";
  let fix: Diagnosis["fix"] = null;
  if ((cause === "keepalive-mismatch" || cause === "both") && tg.keepAliveMs !== null) {
    const n = suggestGatewayKeepAlive(tg.keepAliveMs, lb.keepAliveMs);
    const notes = [
      `edgemicro.keep_alive_timeout is the gateway's idle timeout toward clients; its pooled sockets to the target have no idle timeout of their own and live until the target closes them. So the real cure is a target keep-alive longer than the gateway's${gw.keepAliveMs !== null ? ` (above ${ms(gw.keepAliveMs)}, e.g. ${ms(gw.keepAliveMs + 5000)})` : ""}.`,
      `If the target's ${ms(tg.keepAliveMs)} cannot be raised, follow the guide's hop order instead: set keep_alive_timeout to ${n} ms in ~/.edgemicro/${org}-config.yaml (below the target's ${ms(tg.keepAliveMs)}) and restart or reload edgemicro.`,
      `The load balancer / client in front must keep idle connections shorter than the gateway's ${ms(n)}${lb.keepAliveMs !== null ? ` (it is ${ms(lb.keepAliveMs)} now)` : ""}.`,
      "A target that sends `Keep-Alive: timeout=N` lets newer Node versions retire idle sockets before the target closes them; OS TCP keep-alive does not prevent this race.",
    ];
    fix = { title: `Keep the target's keep-alive longer than the gateway's; or set edgemicro keep_alive_timeout to ${n} ms`, snippet: `# ~/.edgemicro/${org}-config.yaml\nedgemicro:\n  keep_alive_timeout: ${n}`, notes };
  } else if (cause === "premature-close") {
    fix = {
      title: "Find why the target closes connections without answering",
      snippet: `# on the target host, around the times of the 502s:\ngrep -iE "reset|closed|timeout|too large|killed|restart" /path/to/target/logs/*`,
      notes: ["The target ACKed the request and closed the connection without a response: look for request-size limits, worker restarts, crashes or proxy timeouts in the target's logs at those times.", "Nothing to change in the gateway config for this cause."],
    };
  }

  // --- must gather ---
  const mustGather: Diagnosis["mustGather"] = [];
  if (!logs.present) mustGather.push({ item: "Gateway log files (edgemicro-HOSTNAME-*-api.log, default dir /var/tmp)", why: "They show the 502 / ECONNRESET lines, when they happened and which target failed." });
  const level = e.config?.loggingLevel ?? null;
  if (logs.coverage === "errors-only" || (level !== null && ["error", "warn"].includes(level.toLowerCase())))
    mustGather.push({ item: "Logs at level info or lower (edgemicro.logging.level: info)", why: "At level error only failures are logged, so request counts, error rates and the target of each failure are unknown." });
  if (!e.config?.present) mustGather.push({ item: "The gateway config ~/.edgemicro/ORG-ENV-config.yaml", why: "It holds keep_alive_timeout and the proxies' targets, needed for the keep-alive order check." });
  if (!cap) mustGather.push({ item: "A packet capture of the gateway↔target leg (tcpdump -i any -s 0 host TARGET -w FILE.pcap)", why: "Only the capture shows whether the target closed idle sockets (keep-alive race) or closed without answering (premature close)." });
  if (logs.present && logs.status502 === 0 && races + prem === 0)
    mustGather.push({ item: "The time window of the failure", why: "These logs hold no 502: gather logs and a capture covering the time the 502s happened." });
  if (cause === "insufficient-data" && cap && tg.keepAliveMs === null)
    mustGather.push({ item: "The target's keep-alive (idle) timeout", why: "Without it the keep-alive order cannot be checked: enter it below." });

  // --- steps ---
  const top = [...logs.byTarget].sort((a, b) => b.errors502 - a.errors502)[0];
  const steps: Step[] = [
    {
      id: "find-502s", title: "Find the 502 / ECONNRESET lines",
      outcome: !logs.present ? "unknown" : logs.status502 > 0 ? "fail" : "pass",
      why: !logs.present ? "No gateway log in the bundle." : logs.status502 > 0 ? `${logs.status502} × 502 in the logs, ${logs.econnreset} with socket hang up / ECONNRESET.` : "No 502 in the logs.",
      evidence: logs.present ? [logRef(`${logs.status502} × 502, ${logs.econnreset} × ECONNRESET`)] : [],
      readMore: READ_MORE.find,
    },
    {
      id: "which-target", title: "Which target fails",
      outcome: !top || top.errors502 === 0 ? (logs.present ? "pass" : "unknown") : "warn",
      why: top && top.errors502 > 0 ? `${top.target}${top.proxy ? ` (${top.proxy})` : ""}: ${top.errors502} × 502${top.requests ? ` of ${top.requests} requests` : ""}.` : logs.present ? "No target has 502s." : "No log lines name a target.",
      evidence: top && top.errors502 > 0 ? [logRef(`target ${top.target}`), ...(e.config?.present ? [cfgRef("proxies", e.config.configLine.proxies)] : [])] : [],
      readMore: READ_MORE.target,
    },
    {
      id: "keepalive-order", title: "Keep-alive timeouts in order (client/LB < gateway < target)",
      outcome: races > 0 || gwTgViolation ? "fail" : violations.length ? "warn" : tg.keepAliveMs === null ? "ask" : "pass",
      why: gwTgViolation
        ? `The gateway's ${ms(gw.keepAliveMs!)} is not shorter than the target's ${ms(tg.keepAliveMs!)} (by ${ms(gwTgViolation.byMs)})${races ? `; the capture shows ${races} keep-alive race(s)` : ""}.`
        : races > 0 ? `The capture shows ${races} keep-alive race(s): the target closed idle sockets the gateway reused.`
        : violations.length ? `The load balancer's ${ms(lb.keepAliveMs!)} is not shorter than the gateway's ${ms(gw.keepAliveMs!)}.`
        : tg.keepAliveMs === null ? "The target's keep-alive timeout is unknown: enter it to check the order."
        : "Every known hop is shorter than the next hop upstream.",
      evidence: [
        ...(gw.source === "config" || gw.source === "default" ? [cfgRef(`keep_alive_timeout ${gw.source === "default" ? "unset (Node default 5000 ms)" : `${gw.keepAliveMs} ms`}`, e.config?.configLine.keepAliveTimeout)] : []),
        ...(cap ? [capRef(RACE, `${races} keep-alive race(s)${cap.inferredTargetIdleMs !== null ? `, target idle ≈ ${ms(cap.inferredTargetIdleMs)} (${cap.support} gaps)` : ""}`)] : []),
        ...(tg.source === "answer" ? [{ kind: "answer" as const, label: `target keep-alive ${ms(tg.keepAliveMs!)}` }] : []),
        ...(lb.source === "answer" ? [{ kind: "answer" as const, label: `load balancer keep-alive ${ms(lb.keepAliveMs!)}` }] : []),
      ],
      readMore: READ_MORE.keepalive,
      ...(tg.keepAliveMs === null ? { question: { id: "targetKeepAliveMs" as const, prompt: "What is the target's keep-alive (idle) timeout?", unit: "ms" as const } }
        : lb.keepAliveMs === null ? { question: { id: "lbKeepAliveMs" as const, prompt: "What is the idle timeout of the load balancer in front of the gateway?", unit: "ms" as const } } : {}),
    },
    {
      id: "premature-close", title: "Does the target close before answering",
      outcome: prem > 0 || prematureByAnswer ? "fail" : cap ? "pass" : e.answers.targetLogsChecked === "yes-nothing" ? "pass" : "ask",
      why: prem > 0 ? `The capture shows ${prem} connection(s) where the target ACKed a request and closed without a response.`
        : prematureByAnswer ? "The target's logs show it closing connections."
        : cap ? "No premature close in the capture." : e.answers.targetLogsChecked === "yes-nothing" ? "The target's logs show nothing." : "No capture: check the target's logs at the times of the 502s.",
      evidence: [...(cap ? [capRef(PREMATURE, `${prem} premature close(s)`)] : []), ...(e.answers.targetLogsChecked ? [{ kind: "answer" as const, label: `target logs: ${e.answers.targetLogsChecked}` }] : [])],
      readMore: READ_MORE.premature,
      ...(!cap && !e.answers.targetLogsChecked ? { question: { id: "targetLogsChecked" as const, prompt: "Did the target's logs show it closing connections at those times?", unit: "choice" as const } } : {}),
    },
    {
      id: "must-gather", title: "Must-gather diagnostics",
      outcome: mustGather.length === 0 ? "pass" : cause === "insufficient-data" ? "fail" : "warn",
      why: mustGather.length === 0 ? "The bundle holds everything the flow needs." : `The bundle lacks ${mustGather.length} item(s).`,
      evidence: [], readMore: READ_MORE.gather,
    },
  ];

  const summary = {
    "no-502": "No 502 in these logs.",
    "keepalive-mismatch": `Keep-alive mismatch: the gateway reuses pooled target sockets the target${tg.keepAliveMs !== null ? ` closes after ${ms(tg.keepAliveMs)} idle` : " closes when idle"}${gw.keepAliveMs !== null ? ` (gateway keep_alive_timeout ${ms(gw.keepAliveMs)})` : ""}.`,
    "premature-close": "The target closes connections before answering.",
    both: "Both a keep-alive mismatch and premature closes by the target.",
    "insufficient-data": "Not enough evidence for a cause: see the must-gather list.",
  }[cause];
  return { verdict: { cause, confidence, explains502, summary }, steps, hops, violations, fix, mustGather };
}
