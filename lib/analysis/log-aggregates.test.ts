import { describe, expect, it } from "vitest";
import { ABORTED_RESPONSE, CLIENT_GONE, EPROTO_ALERT, EPROTO_NOT_TLS, LogAggregator } from "./log-aggregates";

const tx = (p: Partial<Parameters<LogAggregator["add"]>[0]>) => ({
  startTs: 1_796_153_900_000,
  status: 200,
  errCode: null,
  target: "127.0.0.2:9000",
  proxy: "edgemicro_orders",
  durationMs: 60,
  ...p,
});

describe("LogAggregator: responses cut short", () => {
  it("counts them under their own key, whatever status the client got, and keeps them out of the durations", () => {
    const a = new LogAggregator();
    a.add(tx({}));
    // a FIN mid-response: the 200 had been passed on, nothing more is logged for the client (lab: mid-response-fin)
    a.add(tx({ errCode: "ECONNRESET", errMessage: "aborted", targetAborted: true }));
    // a RST mid-response: the gateway also logs a 502 read ECONNRESET (lab: mid-response-rst)
    a.add(tx({ status: 502, errCode: "ECONNRESET", errMessage: "read ECONNRESET", targetAborted: true }));
    // a race: a 502 with no response begun
    a.add(tx({ status: 502, errCode: "ECONNRESET", errMessage: "socket hang up" }));
    // the gateway's own timeout stays a 504, even with the response begun
    a.add(tx({ status: 504, errCode: "ECONNRESET", targetAborted: true }));
    const [row] = a.targetRows();
    expect(row.errorCodes).toEqual({ [ABORTED_RESPONSE]: 2, ECONNRESET: 2 });
    expect(row).toMatchObject({ requests: 5, e502: 2, e504: 1, durations: { 60: 1 } });
  });
});

describe("LogAggregator: clients gone", () => {
  it("counts a 502 the gateway logged after its client left under its own key, not ECONNRESET", () => {
    // lab: client-abort-upload: `source request aborted` (499), then a 502 socket hang up for a client no longer there
    const a = new LogAggregator();
    a.add(tx({ status: 502, errCode: "ECONNRESET", errMessage: "socket hang up", clientAborted: true }));
    a.add(tx({ status: 502, errCode: "ECONNRESET", errMessage: "socket hang up" }));
    // a request_timeout stays the gateway's timeout
    a.add(tx({ status: 504, errCode: "ECONNRESET", clientAborted: true }));
    const [row] = a.targetRows();
    expect(row.errorCodes).toEqual({ [CLIENT_GONE]: 1, ECONNRESET: 2 });
    expect(row).toMatchObject({ requests: 3, e502: 2, e504: 1 });
  });
});

describe("LogAggregator: EPROTO by what OpenSSL said", () => {
  it("counts a plain HTTP answer to the TLS hello apart from a hello refused with an alert", () => {
    const agg = new LogAggregator();
    // Messages as the lab recordings scheme-https-to-plain and tls-old-protocol logged them (their targetRequest error lines).
    const notTls =
      "write EPROTO 806C03FFD47F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n";
    const alert =
      "write EPROTO 80ACA1F0F97F0000:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 70\n";
    for (const errMessage of [notTls, notTls, alert, "write EPROTO"])
      agg.add(tx({ status: 502, errCode: "EPROTO", errMessage }));
    expect(agg.targetRows()[0].errorCodes).toEqual({ [EPROTO_NOT_TLS]: 2, [EPROTO_ALERT]: 1, EPROTO: 1 });
  });
});
