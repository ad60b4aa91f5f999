/**
 * @module
 * A gateway under test: a temp cao home with accounts (fake logins whose ChatGPT account id is
 * `acct_<name>`), the loopback mock upstream, and a gateway started in-process on a free port, pointed at the
 * mock for both the model endpoint and the token endpoint. Dispose it to stop everything. Test-only.
 */

import { openCaoHome } from "../../src/accounts/cao_home.ts";
import { addAccountEntry, updateRegistry } from "../../src/accounts/registry.ts";
import {
  type RunningGateway,
  startGateway,
  type StartGatewayOptions,
} from "../../src/gateway/start_gateway.ts";
import { DEFAULT_GATEWAY_SETTINGS, type GatewaySettings } from "../../src/gateway/settings.ts";
import { fakeAuthJson, type FakeAuthOptions } from "../support/fake_auth.ts";
import { type MockUpstream, type MockUpstreamOptions, startMockUpstream } from "../support/mock_upstream.ts";
import type { CaoHome } from "../../src/accounts/cao_home.ts";
import { gatewayCodexArgs } from "../../src/gateway/client.ts";
import { type CodexRun, runCodex } from "../support/codex_bin.ts";

/** The proxy key every harness gateway uses (it goes in URLs). */
export const TEST_KEY = "sk-cao-gw-test-key-0123456789";

/** The control key every harness gateway uses (header only). */
export const TEST_CONTROL_KEY = "sk-cao-ctl-test-key-0123456789";

/** One account of the harness. */
export interface HarnessAccount {
  name: string;
  auth?: FakeAuthOptions | null;
  reservePercent?: number;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  accounts?: (string | HarnessAccount)[];
  mock?: MockUpstreamOptions;
  settings?: Partial<GatewaySettings>;
  /** Write the user's own ~/.codex/auth.json with this login. */
  userAuth?: FakeAuthOptions;
  reloadIntervalMs?: number;
  /** How long status changes wait before they are written (default 10 ms here). */
  flushDelayMs?: number;
  /** How long a `refresh_token_reused` waits for another holder's write (default 300 ms here). */
  adoptWaitMs?: number;
  /** Streamed answers through `fetch` instead of the HTTP/1.1 client. */
  streamViaFetch?: boolean;
  /** Serve with `Deno.serve` instead of the gateway's own HTTP/1.1 server. */
  serveViaDeno?: boolean;
  /** Passed to `startGateway` (`usageUrl` defaults to the mock's `/backend-api/wham/usage`). */
  cooldownProbe?: { intervalMs: number; tickMs?: number; usageUrl?: string };
  notify?: StartGatewayOptions["notify"];
  historyFlushMs?: number;
  /** Serve the dashboard at `/d/` (its routes built on the first request), checking for changes this often. */
  dashboardPollMs?: number;
}

/** A running harness. */
export interface Harness extends AsyncDisposable {
  dir: string;
  home: CaoHome;
  mock: MockUpstream;
  gateway: RunningGateway;
  /** `http://127.0.0.1:<port>/k/<key>`: what Codex gets as `openai_base_url`. */
  base: string;
  logs: string[];
  userAuthPath: string;
  /** A request to `<gateway>/<path>` carrying the control key in its header (as cao's own clients send it). */
  control(path: string, init?: RequestInit): Promise<Response>;
  /** POST …/responses with Codex-like headers. */
  respond(
    init?: { session?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<Response>;
}

/** Writes an account's home (auth.json 0600) and registers it. */
export async function writeAccount(home: CaoHome, account: HarnessAccount): Promise<void> {
  const dir = home.paths.accountDir(account.name);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  if (account.auth !== null) {
    const auth = fakeAuthJson({ accountId: `acct_${account.name}`, ...account.auth });
    await Deno.writeTextFile(home.paths.authFile(account.name), JSON.stringify(auth, null, 2), {
      mode: 0o600,
    });
  }
  await updateRegistry(home, (registry) => {
    addAccountEntry(registry, account.name, new Date());
    if (account.reservePercent !== undefined) {
      registry.accounts.find((a) => a.name === account.name)!.reservePercent = account.reservePercent;
    }
  });
}

/** Starts mock, home and gateway. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await Deno.makeTempDir({ prefix: "cao-gw-test-" });
  const logs: string[] = [];
  const home = openCaoHome(`${dir}/cao`, () => new Date(), (m) => logs.push(`warning: ${m}`));
  for (const account of options.accounts ?? ["a", "b"]) {
    await writeAccount(home, typeof account === "string" ? { name: account } : account);
  }
  const userAuthPath = `${dir}/home/.codex/auth.json`;
  await Deno.mkdir(`${dir}/home/.codex`, { recursive: true });
  if (options.userAuth) {
    await Deno.writeTextFile(userAuthPath, JSON.stringify(fakeAuthJson(options.userAuth), null, 2), {
      mode: 0o600,
    });
  }
  const mock = await startMockUpstream(options.mock);
  const gateway = await startGateway({
    home,
    settings: { ...DEFAULT_GATEWAY_SETTINGS, port: 0, upstream: mock.url, ...options.settings },
    keys: { control: TEST_CONTROL_KEY, proxy: TEST_KEY },
    fetch: globalThis.fetch,
    tokenUrl: `${mock.url}/oauth/token`,
    version: "test",
    log: (line) => logs.push(line),
    userAuthPath,
    flushDelayMs: options.flushDelayMs ?? 10,
    reloadIntervalMs: options.reloadIntervalMs ?? 0,
    adoptWaitMs: options.adoptWaitMs ?? 300,
    backoffBaseMs: 5,
    streamViaFetch: options.streamViaFetch,
    serveViaDeno: options.serveViaDeno,
    cooldownProbe: options.cooldownProbe
      ? { usageUrl: `${mock.url}/backend-api/wham/usage`, ...options.cooldownProbe }
      : undefined,
    notify: options.notify,
    historyFlushMs: options.historyFlushMs,
    dashboard: options.dashboardPollMs === undefined
      ? undefined
      : async () =>
        (await import("../../src/status/dashboard_app.ts")).dashboardRoutes(home, {
          userCodexHome: `${dir}/home/.codex`,
          servedBy: "gateway",
          pollMs: options.dashboardPollMs,
          onError: (line) => logs.push(line),
        }),
  });
  const base = `${gateway.url}/k/${TEST_KEY}`;
  return {
    dir,
    home,
    mock,
    gateway,
    base,
    logs,
    userAuthPath,
    control: (path, init = {}) =>
      fetch(`${gateway.url}${path}`, {
        ...init,
        headers: { ...init.headers as Record<string, string>, "x-cao-gateway-key": TEST_CONTROL_KEY },
      }),
    respond: (init = {}) =>
      fetch(`${base}/responses`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          authorization: "Bearer caller-token-must-not-pass",
          "chatgpt-account-id": "acct_caller",
          ...(init.session ? { "session-id": init.session } : {}),
          ...init.headers,
        },
        body: JSON.stringify(init.body ?? { model: "m", input: [], stream: true }),
        signal: init.signal,
      }),
    async [Symbol.asyncDispose]() {
      await gateway.close();
      await mock.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The text of every `output_text.delta` in an SSE body. */
export function sseText(body: string): string {
  return body.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
    .filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
}

/**
 * Runs the real `codex exec --skip-git-repo-check <args>` through the harness gateway (proxy key in the base
 * URL, ChatGPT calls to the mock, no endless connection retries) in the Codex home `home`.
 */
export async function codexExecThroughGateway(
  h: Harness,
  home: { home: string; workdir: string },
  args: string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): Promise<CodexRun> {
  return await runCodex([
    ...gatewayCodexArgs(h.gateway.url, TEST_KEY),
    "-c",
    `chatgpt_base_url="${h.mock.url}/backend-api/"`,
    "--disable",
    "unbounded_connection_retries",
    "exec",
    "--skip-git-repo-check",
    ...args,
  ], {
    cwd: home.workdir,
    env: { CODEX_HOME: home.home, NO_COLOR: "1", ...options.env },
    timeoutMs: options.timeoutMs,
  });
}
