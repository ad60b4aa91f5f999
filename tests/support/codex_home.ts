/**
 * @module
 * Throwaway CODEX_HOME directories for running the real Codex CLI against the loopback mock upstream:
 * an isolating config.toml (CODEX_FACTS §1.4, §1.7, §4.4), a fake auth.json, the `-c`/`--disable`
 * arguments that route codex to the mock (recipe C), and readers for the rollout files codex leaves
 * behind (§2.3). Test-only: nothing here may reach a non-loopback address.
 */

import { fakeAuthJson, type FakeAuthOptions } from "./fake_auth.ts";

/**
 * config.toml that keeps a test codex quiet and local: no plugins, apps, daemon, analytics, feedback or
 * update check, and file-based credentials.
 */
export const CODEX_TEST_CONFIG = `# written by tests/support/codex_home.ts
check_for_update_on_startup = false
cli_auth_credentials_store = "file"

[features]
plugins = false
apps = false
remote_plugin = false
daemon_auto_start = false

[analytics]
enabled = false

[feedback]
enabled = false
`;

/** Options for {@linkcode writeCodexHome} and {@linkcode makeCodexHome}. */
export interface CodexHomeOptions {
  /** Fake ChatGPT login to write as auth.json; `null` writes no auth.json. Default: `fakeAuthJson({})`. */
  auth?: FakeAuthOptions | null;
  /** TOML appended to {@linkcode CODEX_TEST_CONFIG} (top-level keys must come before any table). */
  extraConfig?: string;
}

/** Writes config.toml and (unless `auth: null`) a 0600 auth.json into `dir`, creating it. */
export async function writeCodexHome(dir: string, options: CodexHomeOptions = {}): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const config = options.extraConfig ? `${CODEX_TEST_CONFIG}\n${options.extraConfig}\n` : CODEX_TEST_CONFIG;
  await Deno.writeTextFile(`${dir}/config.toml`, config);
  if (options.auth !== null) {
    const auth = JSON.stringify(fakeAuthJson(options.auth ?? {}), null, 2);
    await Deno.writeTextFile(`${dir}/auth.json`, auth, { mode: 0o600 });
  }
}

/** A temp directory holding a CODEX_HOME (`home`) and an empty working directory (`workdir`). */
export interface TempCodexHome extends AsyncDisposable {
  /** The temp root; removed on dispose. */
  root: string;
  /** The CODEX_HOME. */
  home: string;
  /** An empty directory to run codex in, so it never reads the repo's files. */
  workdir: string;
  /** Environment for a codex child: `CODEX_HOME`, plus the refresh URL override when `mockUrl` is given. */
  env(mockUrl?: string): Record<string, string>;
}

/** Creates a temp CODEX_HOME with {@linkcode writeCodexHome}; use with `await using`. */
export async function makeCodexHome(options: CodexHomeOptions = {}): Promise<TempCodexHome> {
  const root = await Deno.makeTempDir({ prefix: "cao_codex_home_" });
  const home = `${root}/home`;
  const workdir = `${root}/work`;
  await writeCodexHome(home, options);
  await Deno.mkdir(workdir);
  return {
    root,
    home,
    workdir,
    env: (mockUrl) => codexEnv(home, mockUrl),
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Environment for a codex child using `codexHome`. With `mockUrl`, token refreshes go to
 * `<mockUrl>/oauth/token` (CODEX_FACTS §4.3) instead of auth.openai.com.
 */
export function codexEnv(codexHome: string, mockUrl?: string): Record<string, string> {
  const env: Record<string, string> = { CODEX_HOME: codexHome, NO_COLOR: "1" };
  if (mockUrl) env.CODEX_REFRESH_TOKEN_URL_OVERRIDE = `${mockUrl.replace(/\/+$/, "")}/oauth/token`;
  return env;
}

/** Options for {@linkcode codexArgsForMock}. */
export interface CodexMockArgsOptions {
  /** Keep zstd request bodies (default true; the mock decodes them). `false` adds `--disable enable_request_compression`. */
  compression?: boolean;
}

/**
 * Global codex arguments that send all model and backend traffic to the mock at `baseUrl` (recipe C:
 * `/responses` and `/models` at the root, backend calls under `/backend-api/`) and make a refused
 * connection fail instead of retrying forever. `-c`, `--enable` and `--disable` are global flags in
 * 0.169: they work before the subcommand (`codex <these> exec …`) and after it (`codex exec <these> …`).
 */
export function codexArgsForMock(baseUrl: string, options: CodexMockArgsOptions = {}): string[] {
  const base = baseUrl.replace(/\/+$/, "");
  const args = [
    "-c",
    `openai_base_url="${base}"`,
    "-c",
    `chatgpt_base_url="${base}/backend-api/"`,
    "--disable",
    "unbounded_connection_retries",
  ];
  if (options.compression === false) args.push("--disable", "enable_request_compression");
  return args;
}

/** Paths of every `rollout-*.jsonl` under `<codexHome>/sessions`, sorted (oldest first by name). */
export async function findRollouts(codexHome: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && entry.name.startsWith("rollout-") && entry.name.endsWith(".jsonl")) {
        found.push(path);
      }
    }
  }
  await walk(`${codexHome}/sessions`);
  // Names are rollout-<local time>-<uuidv7>.jsonl inside sessions/YYYY/MM/DD, so they sort by time.
  return found.sort();
}

/** One line of a rollout file: `{timestamp, type, payload}` (plus `ordinal` in 0.169). */
export interface RolloutLine {
  timestamp?: string;
  type: string;
  payload: Record<string, unknown>;
  [key: string]: unknown;
}

/** Parses a rollout jsonl file, skipping blank lines. */
export async function readRollout(path: string): Promise<RolloutLine[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as RolloutLine);
}

/** Payloads of the `event_msg` lines whose `payload.type` is `eventType`, in file order. */
export function rolloutEvents(lines: RolloutLine[], eventType: string): Record<string, unknown>[] {
  return lines
    .filter((line) => line.type === "event_msg" && line.payload?.type === eventType)
    .map((line) => line.payload);
}

/** The last `task_complete` payload of the newest rollout in `codexHome`, or undefined. */
export async function lastTaskComplete(codexHome: string): Promise<Record<string, unknown> | undefined> {
  const rollouts = await findRollouts(codexHome);
  if (rollouts.length === 0) return undefined;
  return rolloutEvents(await readRollout(rollouts[rollouts.length - 1]), "task_complete").at(-1);
}
