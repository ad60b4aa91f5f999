/**
 * @module
 * What a Codex started by `cao run --gateway` needs to go through the gateway: the `-c openai_base_url=…`
 * argument (recipe C, CODEX_FACTS §1.4; the key travels as the path prefix `/k/<key>`, since Codex's built-in
 * provider takes no extra headers and ignores `OPENAI_BASE_URL`; that key is a per-run key, see
 * {@link leaseRunKey}, because a command line is readable by every local user), and the environment that sends its own token refreshes to the gateway
 * (`CODEX_REFRESH_TOKEN_URL_OVERRIDE`), so that it never spends a refresh token the pool owns. The Codex keeps
 * the user's own CODEX_HOME (config, history, sessions). {@link ensureGatewayRunning} finds a gateway that
 * answers with this key, or starts one. cao's own requests (`/status`, `/run-key`) carry the control key in the
 * `x-cao-gateway-key` header, never in a URL.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { CaoError } from "../shared/errors.ts";
import { pollUntil } from "../shared/wait.ts";
import { gatewayBaseUrl, gatewayUrl } from "./address.ts";
import { GATEWAY_KEY_HEADER } from "./forward_headers.ts";
import {
  ensureGatewayKeys,
  type GatewayFile,
  loadGatewayFile,
  resolveSettings,
  savedSettings,
} from "./settings.ts";

/** Where a gateway is and the key it takes. */
export interface GatewayTarget {
  /** `http://host:port` (no key). */
  url: string;
  /** Its control key (sent in the header only). */
  key: string;
  /** Whether this call started it. */
  started: boolean;
}

/** Global codex arguments routing model traffic through the gateway. Pure. */
export function gatewayCodexArgs(url: string, key: string): string[] {
  return ["-c", `openai_base_url=${JSON.stringify(gatewayBaseUrl(url, key))}`];
}

/** Environment for that codex: its own token refreshes go to the gateway too. Pure. */
export function gatewayCodexEnv(url: string, key: string): Record<string, string> {
  return { CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${gatewayBaseUrl(url, key)}/oauth/token` };
}

/** A per-run key held from the gateway; release it when the run ends (the key then stops working). */
export interface RunKeyLease extends AsyncDisposable {
  key: string;
  /** Closes the held connection (idempotent). */
  release(): Promise<void>;
}

/**
 * Asks the gateway at `url` for a per-run key (`POST /run-key` with the control key in the header, see
 * `run_keys.ts`) and holds the answer open. Null when the gateway hands out none (one older than this cao) or does not answer in time.
 */
export async function leaseRunKey(
  fetchFn: typeof fetch,
  url: string,
  key: string,
  timeoutMs = 5000,
): Promise<RunKeyLease | null> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    const response = await fetchFn(`${url.replace(/\/+$/, "")}/run-key`, {
      method: "POST",
      headers: { [GATEWAY_KEY_HEADER]: key },
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      return null;
    }
    reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("\n")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    let runKey: unknown;
    try {
      runKey = (JSON.parse(text.split("\n")[0]) as Record<string, unknown>)?.key;
    } catch { /* not a cao gateway's answer */ }
    if (typeof runKey !== "string" || !runKey.startsWith("sk-cao-gw-")) {
      await reader.cancel().catch(() => {});
      return null;
    }
    const held = reader;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await held.cancel().catch(() => {});
    };
    return { key: runKey, release, [Symbol.asyncDispose]: release };
  } catch {
    await reader?.cancel().catch(() => {});
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** A running gateway's token route for the Codex cao starts, held while the run lives. */
export interface TokenRoute extends AsyncDisposable {
  /** `CODEX_REFRESH_TOKEN_URL_OVERRIDE=<gateway>/k/<per-run key>/oauth/token`. */
  env: Record<string, string>;
}

/**
 * When a gateway of this cao home runs now, a per-run key from it and the environment that sends a Codex's
 * own token refreshes there (wrapper-mode `cao run` on pool logins), so that the gateway stays the one
 * refresher of those logins; null when none runs (nothing is started). Costs one read of gateway.json when
 * no gateway was started.
 */
export async function localTokenRoute(home: CaoHome, fetchFn: typeof fetch): Promise<TokenRoute | null> {
  const file = await loadGatewayFile(home);
  const url = file.running?.url;
  const key = file.controlKey;
  if (!url || typeof key !== "string" || key.length < 16) return null;
  if ((await probeGateway(fetchFn, url, key)).kind !== "up") return null;
  const lease = await leaseRunKey(fetchFn, url, key);
  if (lease === null) return null;
  return { env: gatewayCodexEnv(url, lease.key), [Symbol.asyncDispose]: () => lease.release() };
}

/** The outcome of asking a URL whether a cao gateway with this key answers there. */
export type GatewayProbe = { kind: "up"; status: Record<string, unknown> } | { kind: "wrong-key" } | {
  kind: "down";
  reason: string;
};

/** `GET <url>/status` with the control key in the header, with a short timeout. */
export async function probeGateway(
  fetchFn: typeof fetch,
  url: string,
  key: string,
  timeoutMs = 1500,
): Promise<GatewayProbe> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchFn(`${url.replace(/\/+$/, "")}/status`, {
      headers: { [GATEWAY_KEY_HEADER]: key },
      signal: controller.signal,
    });
    if (response.status === 403) {
      await response.body?.cancel();
      return { kind: "wrong-key" };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: "down", reason: `it answered ${response.status}` };
    }
    const status = await response.json() as Record<string, unknown>;
    return status?.service === "cao-gateway"
      ? { kind: "up", status }
      : { kind: "down", reason: "not a cao gateway" };
  } catch (error) {
    return {
      kind: "down",
      reason: controller.signal.aborted ? "no answer" : (error as Error).message.split("\n")[0],
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The URL a gateway started with the saved (or default) settings of `file` is reached at. Pure. */
export function savedGatewayUrl(file: GatewayFile): string {
  return gatewayUrl(resolveSettings({}, savedSettings(file)));
}

/** The URL a local gateway is (or would be) at: the running record, else the saved or default address. */
export async function localGatewayUrl(home: CaoHome): Promise<string> {
  const file = await loadGatewayFile(home);
  return file.running?.url ? file.running.url : savedGatewayUrl(file);
}

/** Inputs of {@link ensureGatewayRunning}. */
export interface EnsureGatewayOptions {
  home: CaoHome;
  fetch: typeof fetch;
  /** `--gateway-url`: use this gateway, never start one. */
  url?: string;
  /** The control key to use instead of gateway.json's (`CAO_GATEWAY_KEY`). */
  key?: string;
  /** Starts a detached local gateway (`cao gateway start --detach`). */
  startDetached(): Promise<void>;
  /** Wait this long for a started gateway (default 15 s). */
  startTimeoutMs?: number;
}

/** A gateway that answers with the key: the given one, the local one, or one started now. */
export async function ensureGatewayRunning(options: EnsureGatewayOptions): Promise<GatewayTarget> {
  const key = options.key && options.key.length > 0
    ? options.key
    : (await ensureGatewayKeys(options.home)).control;
  const url = options.url ?? await localGatewayUrl(options.home);
  const first = await probeGateway(options.fetch, url, key);
  if (first.kind === "up") return { url, key, started: false };
  if (first.kind === "wrong-key") {
    throw new CaoError(`Cannot use the gateway at ${url}: it does not accept this cao home's key`, {
      hint: "set CAO_GATEWAY_KEY to its key, or use --data-dir of the cao home that started it",
    });
  }
  if (options.url !== undefined) {
    throw new CaoError(`Cannot reach a cao gateway at ${url}: ${first.reason}`, {
      hint: 'start one with "cao gateway start", or drop --gateway-url to let cao start a local one',
    });
  }
  await options.startDetached();
  let started = url;
  const up = await pollUntil(async () => {
    started = await localGatewayUrl(options.home);
    return (await probeGateway(options.fetch, started, key)).kind === "up" ? true : undefined;
  }, { timeoutMs: options.startTimeoutMs ?? 15_000 });
  if (up) return { url: started, key, started: true };
  throw new CaoError(`Cannot start a gateway at ${started}`, { hint: 'run "cao gateway start" to see why' });
}
