/** Reading a connection whose capture lost segments (tcpdump's buffer full on a busy host). Pure. */
import type { HttpExchange } from "./types";

/**
 * After answers the capture lost, a response belongs to the last request sent before it began (the gateway never
 * pipelines), not to the first one still waiting: those between were answered by the lost bytes. Returns the index of
 * the exchange the response starting at `respUs` answers; marks the ones passed over `answerLost`.
 */
export function realignAfterLoss(xs: HttpExchange[], respIdx: number, respUs: number): number {
  const from = xs[respIdx];
  if (!from) return respIdx;
  // an answer whose head was read and whose end was lost: this new head ends it
  const headRead = from.status !== null;
  let j = headRead ? respIdx + 1 : respIdx;
  while (j + 1 < xs.length && xs[j + 1].reqTsUs !== null && (xs[j + 1].reqTsUs as number) <= respUs) j++;
  if (j === respIdx || j >= xs.length) return respIdx;
  if (!headRead) {
    xs[j].responseBytes += from.responseBytes; // this segment's, counted before its head was read
    from.responseBytes = 0;
  }
  for (let i = respIdx; i < j; i++) xs[i].answerLost = true;
  return j;
}
