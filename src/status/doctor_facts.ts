/**
 * @module
 * Gathers what the doctor checks (`doctor_checks.ts`) need: file modes of the cao home and account files,
 * each account config.toml against cao's required keys and the user's config (the same three-way merge a
 * sync would do: if it would change the file, the file is out of sync), the codex version, and — only when
 * the user's Codex config routes through a gateway — a `GET /health` probe. Reads only; repairs nothing.
 */

import { jsonObject } from "../shared/json_value.ts";
import { isLooserThanPrivate } from "../fs/permissions.ts";
import {
  mergeAccountConfig,
  missingRequiredKeys,
  userConfigForAccounts,
  withHookTrustFor,
} from "../codex/account_config.ts";
import { caoPaths } from "../accounts/paths.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import { probeCodexVersion } from "../codex/codex_command.ts";
import type { SpawnFn } from "../codex/spawn.ts";
import { parseToml, type TomlTable } from "../deps/toml.ts";
import { CodexNotFoundError } from "../shared/errors.ts";
import type { StatusSnapshot } from "./collect.ts";
import type { CodexFact, ConfigFact, DoctorFacts, LoosePath } from "./doctor_checks.ts";
import { probeGateway } from "./gateway_facts.ts";
import { gatherHomeFacts } from "./doctor_home.ts";
import type { CaoHome } from "../accounts/cao_home.ts";
import { readTextIfExists } from "../fs/file_probe.ts";

/** The edges the doctor uses. */
export interface DoctorEnv {
  spawn: SpawnFn;
  fetch: typeof fetch;
  /** The codex command. */
  codex: string;
  /** The user's own CODEX_HOME. */
  userCodexHome: string;
  /** The cao home, for the checks of the home itself (`doctor_home.ts`). */
  home?: CaoHome;
  /** The user's home (where CAO 1.4.2 put its codex shim). */
  userHome?: string;
  /** Timeout of the gateway probe. */
  gatewayTimeoutMs?: number;
}

async function modeOf(path: string): Promise<{ mode: number; isDirectory: boolean } | null> {
  try {
    const info = await Deno.stat(path);
    return info.mode === null ? null : { mode: info.mode & 0o777, isDirectory: info.isDirectory };
  } catch {
    return null;
  }
}

/** Every cao file and directory whose mode is looser than private (none on Windows). */
export async function findLoosePaths(snapshot: StatusSnapshot): Promise<LoosePath[]> {
  if (Deno.build.os === "windows") return [];
  const home = caoPaths(snapshot.home);
  const candidates: { path: string; account: string | null }[] = [
    { path: snapshot.home, account: null },
    ...[home.registry, home.status, home.gatewaySettings].map((path) => ({ path, account: null })),
  ];
  for (const view of snapshot.accounts) {
    const files = codexHomePaths(view.home);
    for (const path of [view.home, files.authFile, files.configFile]) {
      candidates.push({ path, account: view.name });
    }
  }
  const found = await Promise.all(candidates.map(async (c) => ({ ...c, info: await modeOf(c.path) })));
  return found
    .filter((c) => c.info !== null && isLooserThanPrivate(c.info.mode))
    .map((c) => ({ path: c.path, mode: c.info!.mode, isDirectory: c.info!.isDirectory, account: c.account }));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/** Compares one account config with cao's required keys and with what a sync would make of it. */
export async function checkAccountConfig(accountHome: string, user: TomlTable | null): Promise<ConfigFact> {
  let text: string | null;
  try {
    text = await readTextIfExists(codexHomePaths(accountHome).configFile);
  } catch (error) {
    return { kind: "unreadable", reason: firstLine(error) };
  }
  if (text === null) return { kind: "missing" };
  let account: TomlTable;
  try {
    account = parseToml(text);
  } catch (error) {
    return { kind: "unreadable", reason: firstLine(error) };
  }
  let outOfSync = false;
  if (user !== null) {
    let base: TomlTable = {};
    try {
      const parsed = JSON.parse(
        await readTextIfExists(codexHomePaths(accountHome).syncBase).catch(() => null) ?? "{}",
      );
      base = (jsonObject(parsed) ?? {}) as TomlTable;
    } catch { /* a damaged base means a two-way comparison */ }
    const merged = mergeAccountConfig(base, user, account);
    outOfSync = JSON.stringify(merged) !== JSON.stringify(account);
  }
  return { kind: "ok", missingKeys: missingRequiredKeys(account), outOfSync };
}

async function checkCodex(spawn: SpawnFn, command: string): Promise<CodexFact> {
  try {
    const version = await probeCodexVersion(spawn, command);
    return version === null ? { kind: "no-version", command } : { kind: "ok", command, version };
  } catch (error) {
    if (error instanceof CodexNotFoundError) return { kind: "not-found", command };
    return { kind: "no-version", command };
  }
}

/** Gathers the doctor's facts for a snapshot. */
export async function gatherDoctorFacts(snapshot: StatusSnapshot, env: DoctorEnv): Promise<DoctorFacts> {
  const userConfigPath = codexHomePaths(env.userCodexHome).configFile;
  const userText = await readTextIfExists(userConfigPath).catch(() => null);
  let user: TomlTable | null = {};
  let userConfig: DoctorFacts["userConfig"] = { kind: userText === null ? "missing" : "ok" };
  if (userText !== null) {
    try {
      user = userConfigForAccounts(parseToml(userText));
    } catch (error) {
      user = null;
      userConfig = { kind: "unreadable", path: userConfigPath, reason: firstLine(error) };
    }
  }
  const [loosePaths, configEntries, codex, gateway] = await Promise.all([
    findLoosePaths(snapshot),
    Promise.all(
      snapshot.accounts.map(async (v) =>
        [
          v.name,
          await checkAccountConfig(v.home, user && withHookTrustFor(user, env.userCodexHome, v.home)),
        ] as const
      ),
    ),
    checkCodex(env.spawn, env.codex),
    snapshot.gateway.enabled && snapshot.gateway.url
      ? probeGateway(env.fetch, snapshot.gateway.url, env.gatewayTimeoutMs)
      : Promise.resolve(null),
  ]);
  const home = env.home
    ? await gatherHomeFacts(env.home, snapshot.accounts.map((a) => a.name), {
      userCodexHome: env.userCodexHome,
      userHome: env.userHome,
      spawn: env.spawn,
    })
    : undefined;
  return {
    snapshot,
    loosePaths,
    configs: Object.fromEntries(configEntries),
    userConfig,
    codex,
    gateway,
    home,
  };
}
