/**
 * @module
 * What the status views know about the gateway without asking it: whether the user's Codex config
 * (`~/.codex/config.toml`) routes model traffic to a loopback URL — `openai_base_url`, or the `base_url` of
 * the selected `[model_providers.<id>]` (CODEX_FACTS §1.4 recipes C and B) — and which accounts a running
 * gateway reports in use (`gateway.json` `accountsInUse`, ignored once `running` is null). Only the URL's
 * origin is kept: `cao gateway enable` puts the gateway key in its path (`/k/sk-cao-gw-…`), which must never
 * be printed. Works whether or not the gateway exists: every field of `gateway.json` is optional.
 * {@link probeGateway} (doctor only) asks `GET <origin>/health` with a short timeout. Nothing here prints.
 */

import { jsonObject } from "../shared/json_value.ts";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import { takeReadAhead } from "../fs/read_ahead.ts";
import { isLoopbackUrl } from "../gateway/address.ts";
import { gatewayAlive } from "../gateway/alive_lock.ts";
import type { CaoHome } from "../accounts/cao_home.ts";

/** The gateway as the status views see it. */
export interface GatewayFacts {
  /** Whether the user's Codex config points model traffic at a loopback URL. */
  enabled: boolean;
  /** The origin of that URL (`http://127.0.0.1:4319`, never its path: it may hold the gateway key), or null. */
  url: string | null;
  /** Accounts the gateway reports serving now (`gateway.json` `accountsInUse` / `activeAccounts` / `activeAccount`). */
  accountsInUse: string[];
}

/** No gateway configured, nothing in use. */
export const NO_GATEWAY: GatewayFacts = { enabled: false, url: null, accountsInUse: [] };

/** The origin of the loopback URL a parsed Codex config routes model traffic to, or null. Pure. */
export function gatewayUrlFromConfig(config: Record<string, unknown>): string | null {
  const candidates: unknown[] = [config.openai_base_url];
  const provider = config.model_provider;
  if (typeof provider === "string") {
    candidates.unshift(jsonObject(jsonObject(config.model_providers)?.[provider])?.base_url);
  }
  for (const candidate of candidates) {
    if (typeof candidate === "string" && isLoopbackUrl(candidate)) return new URL(candidate).origin;
  }
  return null;
}

/** The accounts a `gateway.json` document reports in use (none once `running` is null); tolerant. Pure. */
export function accountsInUseFrom(doc: unknown): string[] {
  const d = jsonObject(doc);
  if (!d || d.running === null) return [];
  for (const key of ["accountsInUse", "activeAccounts"]) {
    const list = d[key];
    if (Array.isArray(list)) return list.filter((n): n is string => typeof n === "string");
  }
  return typeof d.activeAccount === "string" ? [d.activeAccount] : [];
}

/** The text of `path` (the home preflight's read of it, when still current: `fs/read_ahead.ts`), or null. */
async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await takeReadAhead(path) ?? await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

/** Reads the user's config.toml (TOML parser loaded only when a base URL is set) and gateway.json. */
export async function loadGatewayFacts(home: CaoHome, userCodexHome: string): Promise<GatewayFacts> {
  const [configText, gatewayText] = await Promise.all([
    readTextOrNull(codexHomePaths(userCodexHome).configFile),
    readTextOrNull(home.paths.gatewaySettings),
  ]);
  let url: string | null = null;
  if (configText !== null && configText.includes("base_url")) {
    try {
      const { parseToml } = await import("../deps/toml.ts");
      url = gatewayUrlFromConfig(parseToml(configText));
    } catch { /* an unparsable user config is doctor's to report */ }
  }
  let accountsInUse: string[] = [];
  if (gatewayText !== null) {
    try {
      accountsInUse = accountsInUseFrom(JSON.parse(gatewayText));
    } catch { /* the gateway owns this file */ }
  }
  // A killed gateway never clears its record: its accounts are in use only while it holds its lock.
  if (accountsInUse.length > 0 && await gatewayAlive(home) === false) accountsInUse = [];
  return { enabled: url !== null, url, accountsInUse };
}

/** The outcome of asking the gateway whether it is up. */
export type GatewayProbe =
  | { kind: "up"; url: string }
  | { kind: "unexpected"; url: string; status: number }
  | { kind: "down"; url: string; reason: string };

/** `GET <origin of url>/health` with a timeout: up on 2xx, unexpected on another answer, down on no answer. */
export async function probeGateway(
  fetchFn: typeof fetch,
  url: string,
  timeoutMs = 1500,
): Promise<GatewayProbe> {
  const healthUrl = `${new URL(url).origin}/health`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchFn(healthUrl, { signal: controller.signal });
    await response.body?.cancel();
    return response.ok
      ? { kind: "up", url: healthUrl }
      : { kind: "unexpected", url: healthUrl, status: response.status };
  } catch (error) {
    const reason = controller.signal.aborted
      ? `no answer within ${timeoutMs / 1000}s`
      : (error instanceof Error ? error.message : String(error)).split("\n")[0];
    return { kind: "down", url: healthUrl, reason };
  } finally {
    clearTimeout(timer);
  }
}
