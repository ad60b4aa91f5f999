/**
 * @module
 * Which codex executable cao runs (`--codex` > `CAO_CODEX_BIN` > `codex` on PATH) and what version it is.
 * A missing codex becomes a CodexNotFoundError that says how to install it.
 */

import { codexSpawner, runToCompletion, type SpawnFn } from "./spawn.ts";

/** The Codex CLI version cao is built and tested against. */
export const SUPPORTED_CODEX_VERSION = "0.169.0";

/** Picks the codex command from the flag and the environment. Pure. */
export function resolveCodexCommand(flag: string | undefined, envValue: string | undefined): string {
  if (flag && flag.length > 0) return flag;
  if (envValue && envValue.length > 0) return envValue;
  return "codex";
}

/** Extracts `0.169.0` from `codex-cli 0.169.0`. Pure. */
export function parseCodexVersion(output: string): string | null {
  const match = output.match(/(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/);
  return match ? match[1] : null;
}

/** Compares dotted versions numerically: negative when a < b. Pure. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Runs `codex --version`; throws CodexNotFoundError when the command cannot be started. */
export async function probeCodexVersion(spawn: SpawnFn, command: string): Promise<string | null> {
  const result = await runToCompletion(codexSpawner(spawn), command, { args: ["--version"] });
  return result.code === 0 ? parseCodexVersion(result.stdout + result.stderr) : null;
}
