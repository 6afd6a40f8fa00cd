/**
 * zod schema of the parts of a gateway config the analysis uses (docs/formats.md §2).
 * Loose: unknown keys pass. Empty YAML values (null) count as unset.
 * Numbers may be written as numeric strings (`"65000"`), as the gateway's own loader tolerates.
 */
import { z } from "zod";

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
const toNumber = (v: unknown) => (typeof v === "string" && NUMERIC.test(v) ? Number(v) : v);

// Messages name no field: the caller prefixes the path (`edgemicro.keep_alive_timeout: …`).
const number = (unit = "") =>
  z.preprocess(toNumber, z.number({ error: `must be a number${unit}` }).finite({ error: "must be a finite number" }));
const nonNegative = (unit = "") => number(unit).pipe(z.number().min(0, { error: "must not be negative" }));
const integer = (min: number) =>
  number().pipe(
    z
      .number()
      .int({ error: "must be a whole number" })
      .min(min, { error: `must be at least ${min}` }),
  );
const text = () => z.string({ error: (iss) => (iss.input === undefined ? "is required" : "must be a string") });

const LoggingSchema = z.looseObject({
  level: text().nullish(),
  dir: text().nullish(),
  stats_log_interval: nonNegative().nullish(),
  rotate_interval: nonNegative().nullish(),
  stack_trace: z.boolean({ error: "must be true or false" }).nullish(),
});

const EdgemicroSchema = z.looseObject({
  port: integer(0)
    .pipe(z.number().max(65535, { error: "must be at most 65535" }))
    .nullish(),
  keep_alive_timeout: nonNegative(" of milliseconds").nullish(),
  request_timeout: nonNegative(" of seconds").nullish(),
  max_connections: integer(-1).nullish(),
  logging: LoggingSchema.nullish(),
  plugins: z.looseObject({ sequence: z.array(text(), { error: "must be a list" }).nullish() }).nullish(),
});

const ProxySchema = z.looseObject({
  name: z.union([z.string(), z.number()], { error: "must be a string" }).nullish(),
  base_path: text(),
  url: text(),
  revision: z.union([z.string(), z.number()], { error: "must be a string or number" }).nullish(),
  max_connections: integer(-1).nullish(),
  timeout: nonNegative().nullish(),
});

const TargetSchema = z.looseObject({
  host: text(),
  ssl: z.looseObject({}, { error: "must be a mapping" }).nullish(),
});

export const GatewayConfigSchema = z.looseObject(
  {
    edge_config: z.looseObject({ bootstrap: text().nullish() }).nullish(),
    edgemicro: EdgemicroSchema.nullish(),
    proxies: z.array(ProxySchema, { error: "must be a list" }).nullish(),
    targets: z.array(TargetSchema, { error: "must be a list" }).nullish(),
  },
  { error: "must be a YAML mapping" },
);

export type RawGatewayConfig = z.infer<typeof GatewayConfigSchema>;
