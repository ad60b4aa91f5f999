/**
 * @module
 * The command line shared by the package generators (`homebrew_formula.ts`, `scoop_manifest.ts`):
 * `--sums <file> --version <x.y.z> [--base-url <url>]`, the generated text on stdout, errors on stderr.
 * `parseGeneratorArgs` decides (pure); `runGenerator` is the short effectful wrapper, with its edges
 * passed in so tests can capture the output. It returns an exit code and never exits itself.
 */

import { parseArgs } from "node:util";
import { checkBaseUrl, checkVersion, defaultBaseUrl } from "./release_assets.ts";
import { parseSums, type SumEntry } from "./sha256_sums.ts";

/** What a generator renders from. */
export interface GeneratorInput {
  /** The release version, e.g. `0.1.0` (no leading `v`). */
  version: string;
  /** Where the release's files are downloaded from, ending with `/`. */
  baseUrl: string;
  /** The entries of the release's `SHA256SUMS`. */
  sums: SumEntry[];
}

/** The outcome of reading a generator's arguments. */
export type GeneratorArgs =
  | { kind: "help" }
  | { kind: "usage"; message: string }
  | { kind: "ok"; sumsPath: string; version: string; baseUrl: string };

/** Reads `--sums`, `--version`, `--base-url` and `--help`/`-h`; every other argument is a usage error. */
export function parseGeneratorArgs(args: readonly string[]): GeneratorArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        sums: { type: "string" },
        version: { type: "string" },
        "base-url": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: "usage", message: (error as Error).message };
  }
  if (values.help) return { kind: "help" };
  if (values.sums === undefined) return { kind: "usage", message: "Missing --sums <path to SHA256SUMS>" };
  if (values.version === undefined) return { kind: "usage", message: "Missing --version <x.y.z>" };
  try {
    const version = checkVersion(values.version);
    const baseUrl = checkBaseUrl(values["base-url"] ?? defaultBaseUrl(version));
    return { kind: "ok", sumsPath: values.sums, version, baseUrl };
  } catch (error) {
    return { kind: "usage", message: (error as Error).message };
  }
}

/** The edges `runGenerator` uses; {@link realGeneratorIo} is the real one. */
export interface GeneratorIo {
  readTextFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Files from disk, text to the process's stdout and stderr. */
export const realGeneratorIo: GeneratorIo = {
  readTextFile: (path) => Deno.readTextFile(path),
  stdout: (text) => Deno.stdout.writeSync(new TextEncoder().encode(text)),
  stderr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
};

/**
 * Runs a generator: parses `args`, reads and parses the sums file, prints `render(input)`.
 * Returns 0 on success, 1 when the sums file cannot be read or rendered from, 2 on a usage error.
 */
export async function runGenerator(
  args: readonly string[],
  usage: string,
  render: (input: GeneratorInput) => string,
  io: GeneratorIo = realGeneratorIo,
): Promise<number> {
  const parsed = parseGeneratorArgs(args);
  if (parsed.kind === "help") {
    io.stdout(usage);
    return 0;
  }
  if (parsed.kind === "usage") {
    io.stderr(`${parsed.message}\n\n${usage}`);
    return 2;
  }
  try {
    let text: string;
    try {
      text = await io.readTextFile(parsed.sumsPath);
    } catch (error) {
      throw new Error(`Cannot read "${parsed.sumsPath}": ${(error as Error).message}`);
    }
    const sums = parseSums(text, parsed.sumsPath);
    io.stdout(render({ version: parsed.version, baseUrl: parsed.baseUrl, sums }));
    return 0;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 1;
  }
}
