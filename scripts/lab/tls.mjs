// Keys and certificates for the lab's https targets, made fresh for each recording with openssl into its scratch
// directory (never committed): a self-signed certificate with the scenario's CN and subjectAltName. The gateway
// trusts it only when the scenario says `trusted` (config.mjs then names it in targets[].ssl.client.ca).
import { execFileSync } from "node:child_process";
import path from "node:path";

export const tlsFiles = (scratch, t) => {
  const base = path.join(scratch, `tls-${t.listen.host}-${t.listen.port}`);
  return { key: `${base}.key`, cert: `${base}.crt` };
};

/** Makes the key and certificate of every https target of the scenario; returns target → certificate file. */
export function makeCerts(sc, scratch) {
  const pems = new Map();
  for (const t of sc.targets) {
    if (!t.backend?.tls) continue;
    const { key, cert } = tlsFiles(scratch, t);
    // prettier-ignore
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${t.backend.tls.cn}`,
      "-addext", `subjectAltName=${t.backend.tls.san}`], { stdio: ["ignore", "ignore", "pipe"] });
    pems.set(`${t.listen.host}:${t.listen.port}`, cert);
  }
  return pems;
}
