/**
 * @module
 * CAO 1.4.2's `gateway.json` (`gateway start --save`: `bindAddress`, `port`, `baseUrl`, `cooldownSeconds`,
 * `maxRetryPasses`, `requestTimeoutMs`, `upstreamMaxRetries`, `upstreamRetryBaseMs`, `upstreamRetryMaxMs`,
 * `upstreamRetryJitterMs`, `overrideAuth`) read as cao's settings. `bindAddress`, `port`, `baseUrl` and
 * `upstreamMaxRetries` have an equivalent (`bind`, `port`, `upstream`, `retries`); the others do not (cao waits
 * for each account's own reset time instead of a fixed cooldown, and never passes the caller's login through)
 * and are listed by {@link seedGatewayLeftovers}. Pure.
 */

import { jsonObject } from "../shared/json_value.ts";

/** The seed's keys that cao has no setting for. */
export const SEED_GATEWAY_KEYS_WITHOUT_EQUIVALENT = [
  "cooldownSeconds",
  "maxRetryPasses",
  "requestTimeoutMs",
  "upstreamRetryBaseMs",
  "upstreamRetryMaxMs",
  "upstreamRetryJitterMs",
  "overrideAuth",
  "oauthClientId",
];

const SEED_KEYS = ["bindAddress", "baseUrl", "upstreamMaxRetries", ...SEED_GATEWAY_KEYS_WITHOUT_EQUIVALENT];

/** Whether a parsed gateway.json is the seed's (its keys, no schemaVersion). Pure. */
export function isSeedGatewayDoc(value: unknown): boolean {
  const doc = jsonObject(value);
  return doc !== null && doc.schemaVersion === undefined && SEED_KEYS.some((key) => key in doc);
}

/** The seed's gateway.json as cao's document (schemaVersion 1, the seed's keys gone). Pure. */
export function gatewayDocFromSeed(value: unknown): Record<string, unknown> {
  const doc = { ...jsonObject(value) };
  const out: Record<string, unknown> = { schemaVersion: 1 };
  if (typeof doc.port === "number" && Number.isInteger(doc.port) && doc.port > 0 && doc.port <= 65535) {
    out.port = doc.port;
  }
  if (typeof doc.bindAddress === "string" && doc.bindAddress.trim() !== "") out.bind = doc.bindAddress.trim();
  if (typeof doc.baseUrl === "string" && doc.baseUrl.trim() !== "") out.upstream = doc.baseUrl.trim();
  if (typeof doc.upstreamMaxRetries === "number" && Number.isFinite(doc.upstreamMaxRetries)) {
    out.retries = Math.min(10, Math.max(0, Math.floor(doc.upstreamMaxRetries)));
  }
  for (const [key, v] of Object.entries(doc)) {
    if (!SEED_KEYS.includes(key) && key !== "port") out[key] = v;
  }
  return out;
}

/** The seed settings in `value` that cao does not carry, as `key=value` texts. Pure. */
export function seedGatewayLeftovers(value: unknown): string[] {
  const doc = jsonObject(value) ?? {};
  return SEED_GATEWAY_KEYS_WITHOUT_EQUIVALENT.filter((key) => key in doc).map((key) =>
    `${key}=${JSON.stringify(doc[key])}`
  );
}
