/**
 * @module
 * How the CLI writes: lines to stdout, errors and warnings to stderr (redacted), JSON documents, and the
 * colour palette (only on a terminal, never with NO_COLOR or --no-color).
 */

import { redactSecrets } from "../shared/redact.ts";

/** ANSI styling functions; identity when colour is off. */
export interface Palette {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Whether to colour output. Pure. */
export function colorEnabled(
  input: { flag: boolean; noColorEnv: string | undefined; isTerminal: boolean },
): boolean {
  if (!input.flag) return false;
  if (input.noColorEnv !== undefined && input.noColorEnv !== "") return false;
  return input.isTerminal;
}

/** Builds a palette. Pure. */
export function palette(enabled: boolean): Palette {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Where commands write. */
export interface Output {
  /** Colours for stdout. */
  color: Palette;
  /** One line to stdout, redacted. */
  line(text?: string): void;
  /** One line to stderr, redacted. */
  error(text: string): void;
  /** `warning: <text>` to stderr, redacted. */
  warn(text: string): void;
  /** A JSON document to stdout, redacted. */
  json(value: unknown): void;
}

/** Builds an Output over the two writers. */
export function createOutput(
  stdout: (t: string) => void,
  stderr: (t: string) => void,
  color: Palette,
): Output {
  return {
    color,
    line: (text = "") => stdout(redactSecrets(text) + "\n"),
    error: (text) => stderr(redactSecrets(text) + "\n"),
    warn: (text) => stderr(`warning: ${redactSecrets(text)}\n`),
    json: (value) => stdout(redactSecrets(JSON.stringify(value, null, 2)) + "\n"),
  };
}
