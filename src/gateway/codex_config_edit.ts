/**
 * @module
 * `cao gateway enable|disable`: route plain `codex`, the desktop app and the IDE extension (all read
 * `~/.codex/config.toml`) through the gateway by setting `openai_base_url` (CODEX_FACTS §1.4 recipe C), with a
 * minimal edit that keeps every comment and line of the user's file. A new key is added as one line at the top
 * (always the top-level table); an existing value is replaced in place with `patchToml`. `disable` takes out
 * exactly what `enable` put in (the recorded value), restoring the value it replaced, and leaves the key
 * alone when the user changed it since. Both are idempotent. Pure: text in, text out; every result is
 * parsed back and checked to differ from the input only in `openai_base_url`.
 */

import { parseToml, patchToml, type TomlTable } from "../deps/toml.ts";
import type { EnableRecord } from "./settings.ts";

/** The key enable sets. */
export const ROUTING_KEY = "openai_base_url";

/** The comment on the line enable adds. */
export const ENABLE_MARK = '# added by "cao gateway enable"; "cao gateway disable" removes it';

/**
 * A valid config that enable or disable will not edit, with what the user can do about it. (Invalid TOML
 * throws the parser's own error instead.)
 */
export class ConfigEditRefusal extends Error {
  /** What is wrong, one line, without the file's name: `openai_base_url is not a string`. */
  readonly reason: string;
  /** What to do next, one line. */
  readonly hint: string;
  constructor(reason: string, hint: string) {
    super(`Cannot edit the Codex config: ${reason}`);
    this.name = "ConfigEditRefusal";
    this.reason = reason;
    this.hint = hint;
  }
}

/** The outcome of {@link enableInConfig}. */
export type EnableEdit =
  | { kind: "unchanged"; text: string }
  | { kind: "added"; text: string }
  | { kind: "replaced"; text: string; previous: string };

/** The outcome of {@link disableInConfig}. */
export type DisableEdit =
  | { kind: "unchanged"; text: string; reason: string }
  | { kind: "removed"; text: string }
  | { kind: "restored"; text: string; previous: string };

const KEY_LINE = /^[ \t]*openai_base_url[ \t]*=/;

function withoutKey(table: TomlTable): string {
  const { [ROUTING_KEY]: _dropped, ...rest } = table;
  return JSON.stringify(rest);
}

/** Throws unless `after` parses, holds `expected` (undefined: no key) and differs only in the key. */
function verify(before: TomlTable, after: string, expected: string | undefined, hint: string): string {
  const parsed = parseToml(after);
  if (parsed[ROUTING_KEY] !== expected || withoutKey(parsed) !== withoutKey(before)) {
    throw new ConfigEditRefusal(`the edit would change more than ${ROUTING_KEY}`, hint);
  }
  return after;
}

const REMOVE_BY_HAND = `remove the ${ROUTING_KEY} line by hand, then run the command again`;

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Sets `openai_base_url = url` in `text` (a Codex config.toml, possibly empty). Pure; throws the parser's
 * error on invalid TOML and a {@link ConfigEditRefusal} on a valid file it will not edit.
 */
export function enableInConfig(text: string, url: string): EnableEdit {
  const before = parseToml(text);
  const current = before[ROUTING_KEY];
  if (current === url) return { kind: "unchanged", text };
  if (typeof current === "string") {
    const patched = patchToml(text, { ...before, [ROUTING_KEY]: url });
    return { kind: "replaced", text: verify(before, patched, url, REMOVE_BY_HAND), previous: current };
  }
  if (current !== undefined) {
    throw new ConfigEditRefusal(
      `${ROUTING_KEY} is not a string`,
      `make ${ROUTING_KEY} a quoted URL, or remove that line, then run the command again`,
    );
  }
  const line = `${ROUTING_KEY} = ${tomlString(url)} ${ENABLE_MARK}\n`;
  return { kind: "added", text: verify(before, line + text, url, REMOVE_BY_HAND) };
}

/** Takes out what `record` says enable put in. Pure; throws like {@link enableInConfig}. */
export function disableInConfig(text: string, record: Pick<EnableRecord, "value" | "previous">): DisableEdit {
  const before = parseToml(text);
  const current = before[ROUTING_KEY];
  if (current === undefined) return { kind: "unchanged", text, reason: `${ROUTING_KEY} is not set` };
  if (current !== record.value) {
    return {
      kind: "unchanged",
      text,
      reason: `${ROUTING_KEY} was changed since "cao gateway enable"; left as it is`,
    };
  }
  if (record.previous !== null) {
    const patched = patchToml(text, { ...before, [ROUTING_KEY]: record.previous });
    return {
      kind: "restored",
      text: verify(
        before,
        patched,
        record.previous,
        `set ${ROUTING_KEY} back to "${record.previous}" by hand`,
      ),
      previous: record.previous,
    };
  }
  const lines = text.split("\n");
  const firstTable = lines.findIndex((l) => /^[ \t]*\[/.test(l));
  const top = firstTable < 0 ? lines.length : firstTable;
  const index = lines.slice(0, top).findIndex((l) => KEY_LINE.test(l));
  const removed = index >= 0
    ? [...lines.slice(0, index), ...lines.slice(index + 1)].join("\n")
    : patchToml(text, Object.fromEntries(Object.entries(before).filter(([k]) => k !== ROUTING_KEY)));
  return { kind: "removed", text: verify(before, removed, undefined, REMOVE_BY_HAND) };
}
