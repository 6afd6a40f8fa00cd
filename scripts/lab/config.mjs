// Writes the gateway configuration in the real ~/.edgemicro/ORG-ENV-config.yaml layout (what
// `edgemicro start` hands to microgateway-core after merging default.yaml and the downloaded
// proxies), plus the default.yaml template edgemicro init creates. Secrets are fake.
export const ORG = "lab";
export const ENV = "test";

// certs: target host:port → the certificate file the gateway is to trust for it (tls.mjs), for `trusted` https targets.
export function configYaml(sc, logDir, certs = new Map()) {
  const g = sc.gateway;
  const lines = [
    "edge_config:",
    `  bootstrap: https://edgemicroservices.apigee.net/edgemicro/bootstrap/organization/${ORG}/environment/${ENV}`,
    `  jwt_public_key: https://${ORG}-${ENV}.apigee.net/edgemicro-auth/publicKey`,
    "  managementUri: https://api.enterprise.apigee.com",
    "  vaultName: microgateway",
    "  authUri: https://%s-%s.apigee.net/edgemicro-auth",
    "  baseUri: https://edgemicroservices.apigee.net/edgemicro/%s/organization/%s/environment/%s",
    "  bootstrapMessage: Please copy the following property to the edge micro agent config",
    "  keySecretMessage: The following credentials are required to start edge micro",
    `  products: https://${ORG}-${ENV}.apigee.net/edgemicro-auth/products`,
    "edgemicro:",
    `  port: ${g.port}`,
    "  max_connections: 1000",
    "  config_change_poll_interval: 600",
    ...(g.keepAliveTimeout != null ? [`  keep_alive_timeout: ${g.keepAliveTimeout}`] : []),
    ...(g.requestTimeout != null ? [`  request_timeout: ${g.requestTimeout}`] : []),
    "  logging:",
    `    level: ${g.level}`,
    `    dir: ${logDir}`,
    `    stats_log_interval: ${g.statsLogInterval}`,
    "    rotate_interval: 24",
    `    stack_trace: ${g.stackTrace ?? false}`,
    "  plugins:",
    "    sequence: []",
    "headers:",
    "  x-forwarded-for: true",
    "  x-forwarded-host: true",
    "  x-request-id: true",
    "  x-response-time: true",
    "  via: true",
    "analytics:",
    `  uri: https://edgemicroservices.apigee.net/edgemicro/axpublisher/organization/${ORG}/environment/${ENV}`,
    "  bufferSize: 10000",
    "  batchSize: 500",
    "  flushInterval: 250",
    "edgemicro_key: 0b8e2f6c1d9a4e7b3c5f8a2d6e1b9c4f7a3d5e8b2c6f1a9d4e7b3c8f5a2d6e1b",
    "edgemicro_secret: 7d2c9e4b1f6a3d8c5e2b7f4a9c1d6e3b8f5a2c7d4e9b1f6a3c8d5e2b7f4a9c1d",
    "proxies:",
    ...sc.targets.flatMap((t, i) => [
      "  - max_connections: 1000",
      `    name: ${t.proxy}`,
      "    proxy_name: default",
      `    revision: '${i + 1}'`,
      `    base_path: ${t.basePath}`,
      "    target_name: default",
      `    url: ${t.scheme ?? "http"}://${t.urlHost ?? t.listen.host}:${t.listen.port}/`,
      "    timeout: 0",
    ]),
    ...sslTargets(sc, certs),
    "product_to_proxy:",
    `  ${ORG}-${ENV}-product:`,
    ...sc.targets.map((t) => `    - ${t.proxy}`),
  ];
  return lines.join("\n") + "\n";
}

// targets[].ssl.client: the TLS options microgateway-core gives the https agent of a proxy whose url host is `host`
// (lib/config.js copies them to httpsOptions and reads `ca`, `cert`, `key`, `pfx`, `crl` as file names).
function sslTargets(sc, certs) {
  const trusted = sc.targets.filter((t) => t.backend?.tls?.trusted);
  if (!trusted.length) return [];
  return [
    "targets:",
    ...trusted.flatMap((t) => [
      `  - host: ${t.listen.host}`,
      "    ssl:",
      "      client:",
      `        ca: ${certs.get(`${t.listen.host}:${t.listen.port}`)}`,
    ]),
  ];
}

export const defaultYaml = `edge_config:
  bootstrap: >-
    https://edgemicroservices.apigee.net/edgemicro/bootstrap/organization/{org}/environment/{env}
  jwt_public_key: 'https://{org}-{env}.apigee.net/edgemicro-auth/publicKey'
  managementUri: 'https://api.enterprise.apigee.com'
  vaultName: microgateway
  authUri: 'https://%s-%s.apigee.net/edgemicro-auth'
  baseUri: >-
    https://edgemicroservices.apigee.net/edgemicro/%s/organization/%s/environment/%s
  bootstrapMessage: Please copy the following property to the edge micro agent config
  keySecretMessage: The following credentials are required to start edge micro
  products: 'https://{org}-{env}.apigee.net/edgemicro-auth/products'
edgemicro:
  port: 8000
  max_connections: 1000
  config_change_poll_interval: 600
  logging:
    level: error
    dir: /var/tmp
    stats_log_interval: 60
    rotate_interval: 24
    stack_trace: false
  plugins:
    sequence:
      - oauth
headers:
  x-forwarded-for: true
  x-forwarded-host: true
  x-request-id: true
  x-response-time: true
  via: true
oauth:
  allowNoAuthorization: false
  allowInvalidAuthorization: false
  verify_api_key_url: 'https://{org}-{env}.apigee.net/edgemicro-auth/verifyApiKey'
analytics:
  uri: >-
    https://edgemicroservices.apigee.net/edgemicro/axpublisher/organization/{org}/environment/{env}
`;
