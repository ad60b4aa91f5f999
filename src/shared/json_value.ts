/**
 * @module
 * The type guards for parsed JSON that every reader of a file or an answer uses (gateway.json, registry and
 * status files, auth.json, JWT claims, rollouts, upstream and token-endpoint answers): a plain object, a
 * non-empty string, a finite number — each returns the value narrowed, or null. Pure.
 */

/** A parsed JSON object: its fields, unknown until checked. */
export type JsonObject = Record<string, unknown>;

/** `value` as a JSON object (not null, not an array), or null. Pure. */
export function jsonObject(value: unknown): JsonObject | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value as JsonObject : null;
}

/** `value` when it is a string of at least one character, else null. Pure. */
export function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** `value` when it is a finite number, else null. Pure. */
export function finiteNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
