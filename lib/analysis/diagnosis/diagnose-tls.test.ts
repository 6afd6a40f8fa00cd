import { describe, expect, it } from "vitest";
import { diagnose } from "./index";
import { cap, ev, profile, target } from "./test-evidence";

describe("diagnose: TLS targets", () => {
  it("TLS errors → tls-error", () => {
    const d = diagnose(ev([target({ errors502: 2, errorCodes: { DEPTH_ZERO_SELF_SIGNED_CERT: 2 } })]));
    expect(d.targets[0].cause).toBe("tls-error");
  });

  it("TLS errors with the capture's abandoned handshakes → tls-error citing both (lab: tls-self-signed)", () => {
    const d = diagnose(
      ev([
        target({
          errors502: 2,
          errorCodes: { ERR_TLS_CERT_ALTNAME_INVALID: 2 },
          capture: cap({ "tls-handshake-failed": 2 }, { explained502: {}, tlsFailures: { "gateway-rejected": 2 } }),
        }),
      ]),
    );
    expect(d.targets[0]).toMatchObject({ cause: "tls-error", confidence: "high", explains502: 2 });
    expect(d.targets[0].evidence.map((x) => x.label)).toContain(
      "2 TLS handshake(s) not completed: after the target's hello and certificate the gateway sent no Finished and no request, and closed",
    );
  });

  it("abandoned handshakes with resets but no TLS code in the log name no TLS cause", () => {
    // A handshake also ends unfinished when the client gives up or the gateway stops; a rejected one is always logged.
    const d = diagnose(
      ev([
        target({
          capture: cap(
            { "tls-handshake-failed": 1 },
            { explained502: {}, profile: { ...profile(null), encrypted: 9 } },
          ),
        }),
      ]),
    );
    expect(d.targets[0]).toMatchObject({ cause: "insufficient-data", confidence: "low" });
  });
});
