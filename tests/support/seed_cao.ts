/**
 * @module
 * The real CAO 1.4.2 (npm `codex-account-orchestrator@1.4.2`, "the seed") run under Deno, to make homes the
 * way its users have them. `deno task test` caches the package first (`scripts/fetch_codex.ts`), so the
 * tests run it with `--cached-only` and never reach the network. Test-only.
 */

/** The seed's npm specifier. */
export const SEED_SPEC = "npm:codex-account-orchestrator@1.4.2";

/** The arguments that run the seed from Deno's cache. */
export function seedArgs(args: string[]): string[] {
  return ["run", "-A", "--quiet", "--no-config", "--no-lock", "--cached-only", SEED_SPEC, ...args];
}

/** The output of one seed run. */
export interface SeedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the seed with HOME at `userHome` (Deno's cache stays the real one). */
export async function runSeed(
  userHome: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<SeedRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: seedArgs(args),
    env: { HOME: userHome, DENO_DIR: await denoDir(), NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

let cachedDenoDir: string | undefined;

/** Deno's cache directory (from `deno info --json`), so a changed HOME does not start a new cache. */
export async function denoDir(): Promise<string> {
  if (cachedDenoDir) return cachedDenoDir;
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return cachedDenoDir = fromEnv;
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  cachedDenoDir = JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
  return cachedDenoDir;
}
