/**
 * @module
 * The facts every status view is rendered from: per account its login (from auth.json, never a token), what
 * `cao run` and the gateway recorded (account_status.json), whether the gateway is serving it; plus the
 * gateway's own facts. {@link buildStatusSnapshot} is pure; {@link collectStatus} reads the files and does
 * no network I/O.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { loadRegistry, withRegistryReadLock } from "../accounts/registry.ts";
import { type AccountStatus, emptyAccountStatus, loadStatusFile } from "../accounts/status_store.ts";
import { type AccountSummary, collectAccountSummaries } from "../codex/account_summary.ts";
import type { LoginSummary } from "../codex/auth_file.ts";
import { redactSecrets } from "../shared/redact.ts";
import { type GatewayFacts, loadGatewayFacts, NO_GATEWAY } from "./gateway_facts.ts";
import { loadUsageHistory } from "../accounts/usage_history.ts";
import { type AccountHistory, readSamples } from "../accounts/usage_samples.ts";
import { HISTORY_NEEDED_SECONDS } from "./usage_trend_view.ts";

/** One account as the status views see it. */
export interface AccountView {
  name: string;
  /** Position in the fallback order, from 1. */
  position: number;
  isDefault: boolean;
  /** The login, decoded from auth.json claims (no token). */
  login: LoginSummary;
  /** Other accounts holding the same ChatGPT login. */
  duplicateOf: string[];
  /** What cao recorded about it (an empty status when it never ran). */
  status: AccountStatus;
  /** Whether the gateway reports serving conversations on it. */
  inUseByGateway: boolean;
  /** Its CODEX_HOME. */
  home: string;
  /** Its recent usage history, when the view asked for it (`cao status --full`, `--json`). */
  history?: AccountHistory;
}

/** Everything the views render, observed at `now`. */
export interface StatusSnapshot {
  now: Date;
  /** The cao home. */
  home: string;
  defaultAccount: string | null;
  accounts: AccountView[];
  gateway: GatewayFacts;
}

function redactOrNull(text: string | null): string | null {
  return text === null ? null : redactSecrets(text);
}

function sanitize(status: AccountStatus): AccountStatus {
  return {
    ...status,
    lastError: redactOrNull(status.lastError),
    needsReloginReason: redactOrNull(status.needsReloginReason),
  };
}

/** Joins logins, recorded statuses and gateway facts; free text is redacted once, here. Pure. */
export function buildStatusSnapshot(input: {
  now: Date;
  home: string;
  summaries: AccountSummary[];
  statuses: Record<string, AccountStatus>;
  gateway?: GatewayFacts;
  accountHome: (name: string) => string;
  /** Recent usage history per account (omitted: the views show none). */
  histories?: Record<string, AccountHistory>;
}): StatusSnapshot {
  const gateway = input.gateway ?? NO_GATEWAY;
  return {
    now: input.now,
    home: input.home,
    defaultAccount: input.summaries.find((s) => s.isDefault)?.name ?? null,
    accounts: input.summaries.map((s) => ({
      name: s.name,
      position: s.position,
      isDefault: s.isDefault,
      login: { ...s.login, problem: redactOrNull(s.login.problem) },
      duplicateOf: s.duplicateOf,
      status: sanitize(input.statuses[s.name] ?? emptyAccountStatus()),
      inUseByGateway: gateway.accountsInUse.includes(s.name),
      home: input.accountHome(s.name),
      ...(input.histories ? { history: input.histories[s.name] ?? { primary: [], secondary: [] } } : {}),
    })),
    gateway,
  };
}

/** Options of {@link collectStatus}. */
export interface CollectOptions {
  /** The user's own CODEX_HOME (its config.toml says whether Codex is routed through the gateway). */
  userCodexHome: string;
  /** Gateway facts already known (e.g. from its status endpoint); read from disk when absent. */
  gateway?: GatewayFacts;
  /** Read the recent usage history too (for `--full` and `--json`). */
  history?: boolean;
}

/** Reads the registry, every login, the status file and the gateway facts. No network. */
export async function collectStatus(home: CaoHome, options: CollectOptions): Promise<StatusSnapshot> {
  // One consistent view: no rename or removal can be half done while the shared registry lock is held.
  const [summaries, statusFile, gateway, history] = await withRegistryReadLock(home, async () => {
    const registry = await loadRegistry(home);
    return await Promise.all([
      collectAccountSummaries(home, registry),
      loadStatusFile(home),
      options.gateway ?? loadGatewayFacts(home, options.userCodexHome),
      options.history ? loadUsageHistory(home) : null,
    ]);
  });
  const since = Math.floor(home.now().getTime() / 1000) - HISTORY_NEEDED_SECONDS;
  const histories = history === null ? undefined : Object.fromEntries(
    summaries.map(({ name }) => [name, {
      primary: readSamples(history, { account: name, window: "primary", from: since }),
      secondary: readSamples(history, { account: name, window: "secondary", from: since }),
    }]),
  );
  return buildStatusSnapshot({
    now: home.now(),
    home: home.paths.root,
    summaries,
    statuses: statusFile.accounts,
    gateway,
    accountHome: (name) => home.paths.accountDir(name),
    histories,
  });
}
