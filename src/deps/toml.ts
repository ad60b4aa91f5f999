/**
 * @module
 * Adapter for the TOML stand-ins (`npm:smol-toml` for parse/stringify, `npm:@decimalturn/toml-patch` for
 * comment-preserving edits of a user's file). Moving to `@std/toml` later touches only this file.
 */

import { parse, stringify } from "smol-toml";
import { patch } from "@decimalturn/toml-patch";

/** A parsed TOML table as plain objects (null-prototype objects from the parser are normalised). */
export type TomlTable = Record<string, unknown>;

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (
    value && typeof value === "object" && !(value instanceof Date) &&
    Object.getPrototypeOf(value) !== Date.prototype
  ) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = normalise(item);
    return out;
  }
  return value;
}

/** Parses TOML text into plain objects; throws an Error with the parser's message when it is not valid TOML. */
export function parseToml(text: string): TomlTable {
  return normalise(parse(text)) as TomlTable;
}

/** Serialises a table to TOML text. */
export function stringifyToml(table: TomlTable): string {
  return stringify(table);
}

/** Rewrites `original` so that it holds `updated`, keeping the comments and layout of what did not change. */
export function patchToml(original: string, updated: TomlTable): string {
  return patch(original, updated);
}
