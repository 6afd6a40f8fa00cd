import { answerConflict, hopCheck } from "./hops";
import { judgeTargets, targetFailures } from "./targets";
import { summarise } from "./incident-summary";
import { cutWithout502 } from "./cut-responses";
import { KEEP_ALIVE_SCOPE } from "./fixes";
import { closesAllTooSoon, incidentClientAborts } from "./client-aborts";
import { noFailureCaptured } from "./candidate";
import { unseenAnswers, unseenAnswersOf } from "./own-answers";
import { LOOKUPS, lookupsOutsideLog, outsideLogOf, unloggedTimeouts } from "./outside-log";
import { collectorCommand, modeFor, COLLECTOR_PATH } from "@/lib/collector/steps";
import type { Diagnosis, DiagnosisEvidence, EvidenceRef, Step, TargetCause, TargetVerdict } from "./types";

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
  const prematureByAnswer = e.answers.targetLogsChecked === "yes-closed";
  const gwTgViolation = violations.find((v) => v.downstream === "gateway");
  const base = e.incidentId ? `/incidents/${e.incidentId}` : undefined;
  const logRef = (label: string): EvidenceRef => ({
    kind: "log",
    label,
    ...(base ? { href: `${base}#targets-h` } : {}),
  });
  const capRef = (cls: string, label: string): EvidenceRef => ({
    kind: "capture",
    label,
    ...(base ? { href: `${base}/connections?class=${cls}` } : {}),
  });
  const cfgRef = (label: string, line?: number): EvidenceRef => ({
    kind: "config",
    label: line ? `${label} (${e.config?.fileName ?? "config"} line ${line})` : label,
  });

  // --- verdict: one per target, summarised ---
  const ties = new Map<string, TargetCause[]>();
  const targets = judgeTargets(e, ties);
  const unknown = new Set(targets.filter((t) => t.cause === "insufficient-data").map((t) => t.target));
  // Each target's failures, its responses cut short with no 502 (failures the 502s do not count), and what the capture
  // shows outside the log's time.
  const failuresOf = new Map<string, number>();
  const cutShortOf = new Map<string, number>();
  const outsideLogByTarget = new Map<string, Record<string, number>>();
  const unloggedByTarget = new Map<string, number>();
  for (const t of e.targets) {
    const { failures, aborts } = targetFailures(t, e);
    failuresOf.set(t.target, failures);
    cutShortOf.set(t.target, cutWithout502(t, e, failures, aborts.onWire));
    const outside = outsideLogOf(t, e);
    const lookups = lookupsOutsideLog(t, e);
    outsideLogByTarget.set(t.target, lookups ? { ...outside, [LOOKUPS]: lookups } : outside);
    if (logs.present && failures === 0) unloggedByTarget.set(t.target, unloggedTimeouts(t, e, outside));
  }
  const unexplained = [...unknown].reduce((n, target) => n + (failuresOf.get(target) ?? 0), 0);
  // Each target's failures its cause does not account for (outside a cut capture, say): whatever they were, they are
  // that target's, and its weight may be that much more.
  const unaccounted = (v: TargetVerdict) => Math.max(0, (failuresOf.get(v.target) ?? 0) - v.explains502);
  // 5xx answers the stats lines count that neither the log nor a capture shows: any target's own, whichever it was.
  const unseenOwn = Math.max(0, ...e.targets.map((t) => unseenAnswersOf(t, e)));
  const verdict = summarise(targets, {
    noFailures: logs.present && logs.status502 === 0 && races + prem === 0,
    logs,
    aborts: incidentClientAborts(e),
    unseen: unseenAnswers(e),
    unexplained,
    unaccounted,
    unseenOwn,
    ties,
    cutShort: (v) => cutShortOf.get(v.target) ?? 0,
    unlogged: (v) => (v.cause === "healthy" ? (unloggedByTarget.get(v.target) ?? 0) : 0),
    outside: (v) => {
      const outside = outsideLogByTarget.get(v.target) ?? {};
      const t = e.targets.find((x) => x.target === v.target);
      // Gateway closes all too soon for its timeout are clients gone there too, no failure of a target.
      return t && closesAllTooSoon(t, e) ? { ...outside, "gateway-close": 0 } : outside;
    },
  });
  const cause = verdict.cause;
  const fix = targets.find((t) => t.cause !== "healthy" && t.fix)?.fix ?? null;

  // --- must gather ---
  const mustGather: Diagnosis["mustGather"] = [];
  if (!logs.present)
    mustGather.push({
      item: "Gateway log files (edgemicro-HOSTNAME-*-api.log, default dir /var/tmp)",
      why: "They show the 502 / ECONNRESET lines, when they happened and which target failed.",
    });
  const level = e.config?.loggingLevel ?? null;
  if (logs.coverage === "errors-only" || (level !== null && ["error", "warn"].includes(level.toLowerCase())))
    mustGather.push({
      item: "Logs at level info or lower (edgemicro.logging.level: info)",
      why: "At level error only failures are logged, so request counts, error rates and the target of each failure are unknown, and a 502 logged because the gateway's client went away (at info: `source request aborted`) reads like any socket hang up.",
    });
  if (!e.config?.present)
    mustGather.push({
      item: "The gateway config ~/.edgemicro/ORG-ENV-config.yaml",
      why: "It holds keep_alive_timeout and the proxies' targets, needed for the keep-alive order check.",
    });
  if (!cap)
    mustGather.push({
      item: "A packet capture of the gateway↔target leg (tcpdump -i any -s 0 host TARGET -w FILE.pcap)",
      why: "Only the capture shows whether the target closed idle sockets (keep-alive race) or closed without answering (premature close).",
    });
  // Only when nothing in the bundle failed: 504s and a target's own answers (which a log below info never shows) count.
  if (logs.present && logs.status502 === 0 && races + prem === 0 && targets.every((t) => t.cause === "healthy"))
    mustGather.push({
      item: "The time window of the failure",
      why: "These logs hold no 502: gather logs and a capture covering the time the 502s happened.",
    });
  const uncaptured = e.targets.filter((t) => unknown.has(t.target) && noFailureCaptured(t)).map((t) => t.target);
  if (uncaptured.length)
    mustGather.push({
      item: "A capture taken while the 502s happen, with the logs of the same time",
      why: `No failure of ${uncaptured.join(", ")} lies within the capture's time, from its request to its log line (the capture stopped before them or started after). Capture again and keep it running until the 502s are logged: the collector's --until-502 stops just after them.`,
      command: collectorCommand({ mode: "all" }),
      href: COLLECTOR_PATH,
    });
  if (cause === "insufficient-data" && cap && tg.keepAliveMs === null)
    mustGather.push({
      item: "The target's keep-alive (idle) timeout",
      why: "Without it the keep-alive order cannot be checked: enter it below.",
    });
  // The collector gathers logs, config and capture: point at the one command for what this bundle lacks.
  const mode = modeFor({ logs: !logs.present, config: !e.config?.present, capture: !cap });
  if (mode) {
    const command = collectorCommand({ mode });
    for (const m of mustGather)
      if (/log files|config|packet capture/i.test(m.item)) Object.assign(m, { command, href: COLLECTOR_PATH });
  }

  // --- steps ---
  const failingTargets = targets.filter((t) => t.cause !== "healthy");
  // Only resets nothing explains yet make the target's keep-alive worth asking for.
  const asksKeepAlive =
    failingTargets.length === 0 ||
    failingTargets.some((t) => t.cause === "insufficient-data" || t.cause === "keepalive-mismatch");
  const steps: Step[] = [
    {
      id: "find-502s",
      title: "Find the 502 / ECONNRESET lines",
      outcome: !logs.present ? "unknown" : logs.status502 > 0 ? "fail" : "pass",
      why: !logs.present
        ? "No gateway log in the bundle."
        : logs.status502 > 0
          ? `${logs.status502} × 502 in the logs, ${logs.econnreset} with socket hang up / ECONNRESET.`
          : "No 502 in the logs.",
      evidence: logs.present ? [logRef(`${logs.status502} × 502, ${logs.econnreset} × ECONNRESET`)] : [],
      readMore: READ_MORE.find,
    },
    {
      id: "which-target",
      title: "Which targets fail, and why",
      outcome: failingTargets.length === 0 ? (logs.present || cap ? "pass" : "unknown") : "warn",
      why: failingTargets.length
        ? failingTargets
            .map(
              (t) =>
                `${t.target}${t.proxy ? ` (${t.proxy})` : ""}: ${t.cause}, ${t.explains502} failure(s) explained, confidence ${t.confidence}`,
            )
            .join("; ") + "."
        : logs.present
          ? "No target has failures."
          : "No log lines name a target.",
      evidence: failingTargets.length
        ? [
            ...failingTargets.map((t) => logRef(`target ${t.target}`)),
            ...(e.config?.present ? [cfgRef("proxies", e.config.configLine.proxies)] : []),
          ]
        : [],
      readMore: READ_MORE.target,
    },
    {
      id: "keepalive-order",
      title: "Keep-alive timeouts in order (client/LB < gateway < target)",
      outcome:
        races > 0 || gwTgViolation ? "fail" : violations.length ? "warn" : tg.keepAliveMs === null ? "ask" : "pass",
      why: gwTgViolation
        ? `The gateway's ${ms(gw.keepAliveMs!)} is not shorter than the target's ${ms(tg.keepAliveMs!)} (by ${ms(gwTgViolation.byMs)})${races ? `; the capture shows ${races} keep-alive race(s)` : ""}.`
        : races > 0
          ? `The capture shows ${races} keep-alive race(s): the target closed idle sockets the gateway reused. ${KEEP_ALIVE_SCOPE}`
          : violations.length
            ? `The load balancer's ${ms(lb.keepAliveMs!)} is not shorter than the gateway's ${ms(gw.keepAliveMs!)}.`
            : tg.keepAliveMs === null
              ? "The target's keep-alive timeout is unknown: enter it to check the order."
              : "Every known hop is shorter than the next hop upstream.",
      evidence: [
        ...(gw.source === "config" || gw.source === "default"
          ? [
              cfgRef(
                `keep_alive_timeout ${gw.source === "default" ? "unset (Node default 5000 ms)" : `${gw.keepAliveMs} ms`}`,
                e.config?.configLine.keepAliveTimeout,
              ),
            ]
          : []),
        ...(cap
          ? [
              capRef(
                RACE,
                `${races} keep-alive race(s)${cap.inferredTargetIdleMs !== null ? `, target idle ≈ ${ms(cap.inferredTargetIdleMs)} (${cap.support} gaps)` : ""}`,
              ),
            ]
          : []),
        ...(tg.source === "answer"
          ? [{ kind: "answer" as const, label: `target keep-alive ${ms(tg.keepAliveMs!)} (your answer)` }]
          : []),
        ...(answerConflict(e) ? [{ kind: "answer" as const, label: answerConflict(e)! }] : []),
        ...(lb.source === "answer"
          ? [{ kind: "answer" as const, label: `load balancer keep-alive ${ms(lb.keepAliveMs!)} (your answer)` }]
          : []),
      ],
      readMore: READ_MORE.keepalive,
      ...(!asksKeepAlive
        ? {}
        : tg.keepAliveMs === null
          ? {
              question: {
                id: "targetKeepAliveMs" as const,
                prompt: "What is the target's keep-alive (idle) timeout?",
                unit: "ms" as const,
              },
            }
          : lb.keepAliveMs === null
            ? {
                question: {
                  id: "lbKeepAliveMs" as const,
                  prompt: "What is the idle timeout of the load balancer in front of the gateway?",
                  unit: "ms" as const,
                },
              }
            : {}),
    },
    {
      id: "premature-close",
      title: "Does the target close before answering",
      outcome:
        prem > 0 || prematureByAnswer
          ? "fail"
          : cap
            ? "pass"
            : e.answers.targetLogsChecked === "yes-nothing"
              ? "pass"
              : "ask",
      why:
        prem > 0
          ? `The capture shows ${prem} connection(s) where the target had the request long enough to answer and closed without a response.`
          : prematureByAnswer
            ? "The target's logs show it closing connections."
            : cap
              ? "No premature close in the capture."
              : e.answers.targetLogsChecked === "yes-nothing"
                ? "The target's logs show nothing."
                : "No capture: check the target's logs at the times of the 502s.",
      evidence: [
        ...(cap ? [capRef(PREMATURE, `${prem} premature close(s)`)] : []),
        ...(e.answers.targetLogsChecked
          ? [{ kind: "answer" as const, label: `target logs: ${e.answers.targetLogsChecked}` }]
          : []),
      ],
      readMore: READ_MORE.premature,
      ...(!cap && !e.answers.targetLogsChecked
        ? {
            question: {
              id: "targetLogsChecked" as const,
              prompt: "Did the target's logs show it closing connections at those times?",
              unit: "choice" as const,
            },
          }
        : {}),
    },
    {
      id: "must-gather",
      title: "Must-gather diagnostics",
      outcome: mustGather.length === 0 ? "pass" : cause === "insufficient-data" ? "fail" : "warn",
      why:
        mustGather.length === 0
          ? "The bundle holds everything the flow needs."
          : `The bundle lacks ${mustGather.length} item(s).`,
      evidence: [],
      readMore: READ_MORE.gather,
    },
  ];

  return { verdict, targets, steps, hops, violations, fix, mustGather };
}
