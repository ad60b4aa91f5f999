/**
 * @module
 * `cao gateway status` (is it up, where, what it sees: accounts, cooldowns, conversations, requests,
 * switches; `--json`: the gateway's `/status` with `schemaVersion` and `running`) and `cao gateway stop`
 * (asks the gateway to stop over HTTP, with the control key in the `x-cao-gateway-key` header; never kills a
 * process by a pid that may have been reused). Both only read gateway.json's control key, never create it.
 */

import { localGatewayUrl, probeGateway } from "../gateway/client.ts";
import { GATEWAY_KEY_HEADER } from "../gateway/forward_headers.ts";
import { loadGatewayFile, newControlKey, readControlKey, updateGatewayFile } from "../gateway/settings.ts";
import { ExitCode } from "../shared/errors.ts";
import { formatRelative, renderTable } from "../shared/format.ts";
import { pollUntil } from "../shared/wait.ts";
import type { CommandContext } from "./context.ts";

/**
 * The key to ask a local gateway with. A read never creates one: without a saved key no gateway of this home
 * runs, and a throwaway key gets the same answers (none, or "wrong key" from another home's gateway).
 */
async function probeKey(ctx: CommandContext): Promise<string> {
  return await readControlKey(ctx.home) ?? newControlKey();
}

interface AccountRow {
  name: string;
  default: boolean;
  state: string;
  until: string | null;
  reason: string | null;
  usedPercent: number | null;
  requests: number;
  limitHits: number;
  conversations: number;
}

/** The status lines for a running gateway's `/status` document. Pure. */
export function gatewayStatusLines(status: Record<string, unknown>, now: Date): string[] {
  const accounts = (status.accounts as AccountRow[] | undefined) ?? [];
  const lines = [
    `cao gateway ${status.version} at ${status.url} (pid ${status.pid}), up since ${status.startedAt}`,
    `upstream ${status.upstream}; switch-at ${status.switchAt ?? "off"}; requests ${status.requests}, ` +
    `switches ${status.switches}, conversations ${status.conversations}, token refreshes ${status.refreshes}`,
    "",
  ];
  const rows = accounts.map((a) => [
    a.default ? "*" : "",
    a.name,
    a.state === "cooling" && a.until
      ? `cooling ${formatRelative(new Date(a.until), now).replace(/^in /, "for ")}`
      : a.state === "needs-login"
      ? `needs login (${a.reason})`
      : a.state,
    a.usedPercent === null ? "-" : `${a.usedPercent}%`,
    String(a.requests),
    String(a.limitHits),
    String(a.conversations),
  ]);
  return [
    ...lines,
    ...renderTable(["", "ACCOUNT", "STATE", "USED", "REQUESTS", "LIMITS", "CONVERSATIONS"], rows),
  ];
}

/** `schemaVersion` of `cao gateway status --json` (the gateway's `/status` plus `running`). */
export const GATEWAY_STATUS_JSON_SCHEMA_VERSION = 1;

/** `cao gateway status`: 0 when a gateway answers, 1 when none does. */
export async function gatewayStatus(ctx: CommandContext, options: { json: boolean }): Promise<number> {
  const key = await probeKey(ctx);
  const url = await localGatewayUrl(ctx.home);
  const probe = await probeGateway(ctx.deps.fetch, url, key);
  if (probe.kind !== "up" && options.json) {
    ctx.out.json({
      schemaVersion: GATEWAY_STATUS_JSON_SCHEMA_VERSION,
      running: false,
      url,
      reason: probe.kind === "wrong-key" ? "wrong key" : probe.reason,
    });
    return ExitCode.failure;
  }
  if (probe.kind !== "up") {
    const why = probe.kind === "down" ? ` (${probe.reason})` : " with this key";
    ctx.out.line(`No cao gateway answers at ${url}${why}. Start one with "cao gateway start".`);
    return ExitCode.failure;
  }
  if (options.json) {
    ctx.out.json({ schemaVersion: GATEWAY_STATUS_JSON_SCHEMA_VERSION, running: true, ...probe.status });
  } else for (const line of gatewayStatusLines(probe.status, ctx.deps.now())) ctx.out.line(line);
  return ExitCode.ok;
}

/** `cao gateway stop`. */
export async function gatewayStop(ctx: CommandContext): Promise<number> {
  const key = await probeKey(ctx);
  const file = await loadGatewayFile(ctx.home);
  const url = await localGatewayUrl(ctx.home);
  const probe = await probeGateway(ctx.deps.fetch, url, key);
  if (probe.kind !== "up") {
    if (file.running) {
      await updateGatewayFile(ctx.home, (f) => void (f.running = null));
      ctx.out.line(
        `No cao gateway answers at ${url}; cleared its record (pid ${file.running.pid}). ` +
          `If that process still runs, stop it with "kill ${file.running.pid}".`,
      );
    } else {
      ctx.out.line("No cao gateway is running.");
    }
    return ExitCode.ok;
  }
  const response = await ctx.deps.fetch(`${url}/shutdown`, {
    method: "POST",
    headers: { [GATEWAY_KEY_HEADER]: key },
  });
  await response.body?.cancel();
  const stopped = await pollUntil(
    async () => (await probeGateway(ctx.deps.fetch, url, key, 500)).kind !== "up" ? true : undefined,
    { timeoutMs: 15_000 },
  );
  if (stopped) {
    ctx.out.line(`Stopped the cao gateway at ${url} (pid ${probe.status.pid}).`);
    return ExitCode.ok;
  }
  ctx.out.error(`The gateway at ${url} did not stop within 15 s; stop it with "kill ${probe.status.pid}".`);
  return ExitCode.failure;
}
