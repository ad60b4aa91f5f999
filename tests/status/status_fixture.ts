/**
 * @module
 * A cao home with accounts in every interesting state, written straight to disk, for the status, doctor
 * and report tests: `work` (default, ready, usage recorded), `personal` (cooling down at 100 %, in use by the
 * gateway), `old` (its refresh was refused: needs re-login), `spare` (never logged in). Times are fixed
 * around {@link NOW}. Test-only.
 */

import { fakeAuthJson, type FakeAuthOptions } from "../support/fake_auth.ts";
import type { TempHome } from "../support/run_cao.ts";
import { emptyAccountStatus } from "../../src/accounts/status_store.ts";

/** The pinned clock of every status test. */
export const NOW = new Date("2026-11-21T12:00:00.000Z");

/** Epoch seconds `seconds` after {@link NOW}. */
export function at(seconds: number): number {
  return Math.floor(NOW.getTime() / 1000) + seconds;
}

/** ISO time `seconds` after {@link NOW}. */
export function iso(seconds: number): string {
  return new Date(NOW.getTime() + seconds * 1000).toISOString();
}

/** The config.toml cao writes into an account home (its required keys). */
export const ACCOUNT_CONFIG = 'cli_auth_credentials_store = "file"\nforced_login_method = "chatgpt"\n\n' +
  "[features]\ndaemon_auto_start = false\n";

/** Writes an account home: dir 0700, auth.json 0600 (unless `auth` is null), config.toml 0600. */
export async function writeAccount(
  caoHome: string,
  name: string,
  auth: FakeAuthOptions | Record<string, unknown> | null,
  options: { config?: string | null; rawAuth?: string } = {},
): Promise<void> {
  const dir = `${caoHome}/${name}`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.chmod(caoHome, 0o700);
  if (options.rawAuth !== undefined) {
    await Deno.writeTextFile(`${dir}/auth.json`, options.rawAuth, { mode: 0o600 });
  } else if (auth !== null) {
    const doc = "tokens" in auth ? auth : fakeAuthJson(auth as FakeAuthOptions);
    await Deno.writeTextFile(`${dir}/auth.json`, JSON.stringify(doc, null, 2), { mode: 0o600 });
  }
  const config = options.config === undefined ? ACCOUNT_CONFIG : options.config;
  if (config !== null) await Deno.writeTextFile(`${dir}/config.toml`, config, { mode: 0o600 });
}

/** Writes registry.json for `names` (the first is the default unless `defaultAccount` says otherwise). */
export async function writeRegistry(
  caoHome: string,
  names: string[],
  defaultAccount = names[0],
): Promise<void> {
  await Deno.mkdir(caoHome, { recursive: true, mode: 0o700 });
  const registry = {
    schemaVersion: 1,
    defaultAccount: defaultAccount ?? null,
    accounts: names.map((name) => ({ name, addedAt: "2026-11-01T00:00:00.000Z" })),
  };
  await Deno.writeTextFile(`${caoHome}/registry.json`, JSON.stringify(registry, null, 2), { mode: 0o600 });
}

/** Writes account_status.json. */
export async function writeStatuses(
  caoHome: string,
  accounts: Record<string, Record<string, unknown>>,
): Promise<void> {
  await Deno.writeTextFile(
    `${caoHome}/account_status.json`,
    JSON.stringify({ schemaVersion: 1, accounts }, null, 2),
    { mode: 0o600 },
  );
}

/** A status with defaults for what a test does not care about. */
export function status(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...emptyAccountStatus(), ...fields };
}

/** Fills `home` with the four accounts described in the module doc. */
export async function writeFourAccounts(home: TempHome): Promise<void> {
  const cao = home.caoHome;
  await writeRegistry(cao, ["work", "personal", "old", "spare"]);
  await writeAccount(cao, "work", { email: "alice@example.com", plan: "plus", accountId: "acct_work" });
  await writeAccount(cao, "personal", { email: "bob@example.com", plan: "pro", accountId: "acct_personal" });
  await writeAccount(cao, "old", { email: "carol@example.com", plan: "plus", accountId: "acct_old" });
  await writeAccount(cao, "spare", null);
  await writeStatuses(cao, {
    work: status({
      attempts: 12,
      successes: 11,
      failures: 1,
      lastAttemptAt: iso(-300),
      lastSuccessAt: iso(-300),
      lastFailureAt: iso(-86_400),
      usage: {
        primary: { usedPercent: 40, windowMinutes: 300, resetsAt: at(2 * 3600 + 600) },
        secondary: { usedPercent: 12, windowMinutes: 10080, resetsAt: at(4 * 86_400 + 3 * 3600) },
        observedAt: iso(-300),
        source: "rollout",
      },
    }),
    personal: status({
      attempts: 5,
      successes: 4,
      lastAttemptAt: iso(-600),
      lastSuccessAt: iso(-7200),
      lastQuotaHitAt: iso(-600),
      cooldownUntil: iso(3600 + 120),
      lastError: "usage limit reached",
      usage: {
        primary: { usedPercent: 100, windowMinutes: 300, resetsAt: at(3600 + 120) },
        secondary: { usedPercent: 55, windowMinutes: 10080, resetsAt: at(4 * 86_400 + 3 * 3600) },
        observedAt: iso(-600),
        source: "headers",
      },
    }),
    old: status({
      attempts: 3,
      successes: 0,
      failures: 3,
      consecutiveFailures: 3,
      lastAttemptAt: iso(-3600),
      lastFailureAt: iso(-3600),
      lastError: "Failed to refresh token: refresh_token_reused",
      needsRelogin: true,
      needsReloginReason: "the refresh token was already used (refresh_token_reused)",
    }),
  });
  await Deno.writeTextFile(`${cao}/gateway.json`, JSON.stringify({ accountsInUse: ["personal"] }), {
    mode: 0o600,
  });
  await writeHistory(cao);
}

/** usage_history.json: `work` rising 10 % an hour for 3 hours, `personal` used up in the last hour. */
async function writeHistory(cao: string): Promise<void> {
  const sample = (
    seconds: number,
    usedPercent: number,
    windowMinutes: number,
    resetsAt: number,
    source: string,
  ) => ({
    at: at(seconds),
    usedPercent,
    windowMinutes,
    resetsAt,
    source,
  });
  const work = Array.from({ length: 12 }, (_, i) => {
    const seconds = -3 * 3600 + i * 15 * 60 + 300;
    return sample(
      seconds,
      Math.round(10 + (seconds + 3 * 3600 - 300) / 360),
      300,
      at(2 * 3600 + 600),
      "rollout",
    );
  });
  const personal = [
    sample(-3600, 70, 300, at(3600 + 120), "headers"),
    sample(-1800, 85, 300, at(3600 + 120), "headers"),
    sample(-600, 100, 300, at(3600 + 120), "headers"),
  ];
  const weekly = [
    sample(-20 * 3600, 8, 10080, at(4 * 86_400 + 3 * 3600), "rollout"),
    sample(-300, 12, 10080, at(4 * 86_400 + 3 * 3600), "rollout"),
  ];
  await Deno.writeTextFile(
    `${cao}/usage_history.json`,
    JSON.stringify({
      schemaVersion: 1,
      retentionDays: 30,
      accounts: {
        work: { primary: work, secondary: weekly },
        personal: { primary: personal, secondary: [] },
      },
    }),
    { mode: 0o600 },
  );
}

/** Writes a stand-in codex that prints `codex-cli <version>` and returns its path. */
export async function writeFakeCodex(dir: string, version = "0.169.0"): Promise<string> {
  const path = `${dir}/fake-codex-${version}`;
  await Deno.writeTextFile(path, `#!/bin/sh\necho "codex-cli ${version}"\n`, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
  return path;
}
