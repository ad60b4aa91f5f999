/**
 * @module
 * Fixtures for `cao run` integration tests: a temp cao home with logged-in fake accounts whose config keeps
 * the real codex quiet and local, a working directory, the codex arguments that route it to the loopback
 * mock, and cao started as a child whose pid the test can signal. Test-only.
 */

import { fakeAuthJson } from "./fake_auth.ts";
import { CODEX_TEST_CONFIG, codexArgsForMock } from "./codex_home.ts";
import { codexBinary } from "./codex_bin.ts";
import { caoChild, makeTempHome, runCaoInProcess, type TempHome } from "./run_cao.ts";

/** A temp home with accounts, plus a working directory for codex. */
export interface RunHome extends TempHome {
  /** An empty directory codex runs in. */
  workdir: string;
  /** Environment for cao children: the codex binary and a refresh URL that stays on loopback. */
  env: Record<string, string>;
}

/** One account to create: its name and the ChatGPT account id its fake login carries. */
export interface FakeAccount {
  name: string;
  accountId: string;
}

/**
 * Creates a temp home with `accounts` registered in that order (the first is the default) and logged in
 * with fake ChatGPT tokens; the user's Codex config (carried into every account) is the quiet test config.
 */
export async function makeRunHome(accounts: FakeAccount[], mockUrl: string): Promise<RunHome> {
  const home = await makeTempHome();
  await Deno.writeTextFile(`${home.userHome}/.codex/config.toml`, CODEX_TEST_CONFIG);
  for (const account of accounts) {
    const added = await runCaoInProcess(home, ["add", account.name, "--no-login"]);
    if (added.code !== 0) throw new Error(`Cannot add test account "${account.name}": ${added.stderr}`);
    const auth = fakeAuthJson({ accountId: account.accountId, email: `${account.name}@example.com` });
    await Deno.writeTextFile(`${home.caoHome}/${account.name}/auth.json`, JSON.stringify(auth, null, 2), {
      mode: 0o600,
    });
  }
  const workdir = `${home.dir}/work`;
  await Deno.mkdir(workdir);
  return {
    ...home,
    workdir,
    env: {
      CAO_CODEX_BIN: await codexBinary(),
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${mockUrl}/oauth/token`,
    },
  };
}

/** Codex arguments that route to the mock (recipe C, fail fast when it is unreachable). */
export function mockArgs(mockUrl: string): string[] {
  return codexArgsForMock(mockUrl);
}

/** Reads one account's status from account_status.json. */
export async function readStatus(home: TempHome, name: string): Promise<Record<string, unknown>> {
  const doc = JSON.parse(await Deno.readTextFile(`${home.caoHome}/account_status.json`));
  return doc.accounts[name] ?? {};
}

/** A cao child started by {@link startCao}. */
export interface StartedCao {
  pid: number;
  /** Resolves with the exit code and the captured output. */
  result: Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Starts `main.ts <args>` like `runCaoProcess`, but returns at once so the test can signal it. */
export function startCao(home: RunHome, args: string[]): StartedCao {
  const child = caoChild(home, args, { env: home.env, cwd: home.workdir });
  return {
    pid: child.pid,
    result: child.output().then((out) => ({
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    })),
  };
}
