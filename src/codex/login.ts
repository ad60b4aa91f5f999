/**
 * @module
 * Handing the terminal to `codex login` for one account home, then checking that a real login landed in
 * auth.json (CODEX_FACTS §4.5: `codex login status` exiting 0 does not prove tokens exist).
 */

import { type LoginSummary, readAuthFile, summarizeAuth } from "./auth_file.ts";
import { codexHomePaths } from "./codex_home_paths.ts";
import { spawnCodex, type SpawnFn } from "./spawn.ts";

/** Options for {@link runCodexLogin}. */
export interface LoginOptions {
  /** The codex command. */
  codex: string;
  /** The account's CODEX_HOME. */
  accountDir: string;
  /** Use the device-code flow (`codex login --device-auth`). */
  deviceAuth: boolean;
}

/** The outcome of a login attempt. */
export type LoginOutcome =
  | { kind: "logged-in"; login: LoginSummary }
  | { kind: "failed"; exitCode: number; login: LoginSummary };

/** Runs `codex login` with the terminal handed over, then reads back what it wrote. */
export async function runCodexLogin(spawn: SpawnFn, options: LoginOptions): Promise<LoginOutcome> {
  const args = ["login", ...(options.deviceAuth ? ["--device-auth"] : [])];
  const child = spawnCodex(spawn, options.codex, {
    args,
    env: { CODEX_HOME: options.accountDir },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  });
  const code = (await child.status).code;
  const login = summarizeAuth(await readAuthFile(codexHomePaths(options.accountDir).authFile));
  if (code === 0 && login.state === "logged-in") return { kind: "logged-in", login };
  return { kind: "failed", exitCode: code, login };
}
