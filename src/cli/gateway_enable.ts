/**
 * @module
 * `cao gateway enable|disable`: route plain `codex`, the desktop app and the IDE extension through the
 * gateway by a minimal, comment-preserving edit of the user's `config.toml` (`codex_config_edit.ts`), and
 * take exactly that edit out again. What enable wrote is recorded in gateway.json (`enabled`). Both are
 * idempotent and say what they changed.
 */

import { join } from "node:path";
import { writeFileAtomic } from "../accounts/atomic_write.ts";
import { gatewayBaseUrl, probeGateway } from "../gateway/client_launch.ts";
import {
  disableInConfig,
  enableInConfig,
  isGatewayRoutingUrl,
  ROUTING_KEY,
} from "../gateway/codex_config_edit.ts";
import {
  DEFAULT_GATEWAY_SETTINGS,
  ensureGatewayKey,
  isLoopbackBind,
  loadGatewayFile,
  savedSettings,
  updateGatewayFile,
} from "../gateway/settings.ts";
import { parseToml } from "../deps/toml.ts";
import { CaoError, ExitCode } from "../shared/errors.ts";
import type { CommandContext } from "./context.ts";

async function readConfig(path: string): Promise<{ text: string; mode: number | null }> {
  try {
    const [text, info] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return { text, mode: info.mode !== null ? info.mode & 0o777 : null };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { text: "", mode: null };
    throw error;
  }
}

function editError(path: string, error: unknown): CaoError {
  return new CaoError(`Cannot edit "${path}": ${(error as Error).message.split("\n")[0]}`, {
    hint: "fix the file so that it is valid TOML, then run the command again",
  });
}

/** The gateway URL the config should name: saved/default port on loopback. */
async function configuredUrl(ctx: CommandContext): Promise<string> {
  const settings = { ...DEFAULT_GATEWAY_SETTINGS, ...savedSettings(await loadGatewayFile(ctx.home)) };
  const host = isLoopbackBind(settings.bind) ? settings.bind : "127.0.0.1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${settings.port}`;
}

/** `cao gateway enable`. */
export async function gatewayEnable(ctx: CommandContext): Promise<number> {
  const key = await ensureGatewayKey(ctx.home);
  const url = await configuredUrl(ctx);
  const value = gatewayBaseUrl(url, key);
  const path = join(ctx.userCodexHome, "config.toml");
  const { text, mode } = await readConfig(path);
  let edit;
  try {
    edit = enableInConfig(text, value);
  } catch (error) {
    throw editError(path, error);
  }
  if (edit.kind !== "unchanged") {
    await Deno.mkdir(ctx.userCodexHome, { recursive: true });
    await writeFileAtomic(path, edit.text, { mode: mode ?? 0o600 });
  }
  const previous = edit.kind === "replaced" ? edit.previous : null;
  await updateGatewayFile(ctx.home, (file) => {
    if (edit.kind === "unchanged" && file.enabled?.value === value) return;
    file.enabled = {
      configPath: path,
      value,
      previous: edit.kind === "unchanged" ? file.enabled?.previous ?? null : previous,
    };
  });
  if (edit.kind === "unchanged") {
    ctx.out.line(`Already enabled: ${path} routes Codex through the gateway at ${url}.`);
  } else {
    ctx.out.line(
      `Set ${ROUTING_KEY} in ${path}${
        edit.kind === "replaced" ? ` (it was "${edit.previous}"; disable puts that back)` : ""
      }.`,
    );
    ctx.out.line(`Codex, the desktop app and the IDE extension now use the gateway at ${url}.`);
  }
  if ((await probeGateway(ctx.deps.fetch, url, key)).kind !== "up") {
    ctx.out.warn(`no gateway answers at ${url} yet: start it with "cao gateway start --detach"`);
  }
  return ExitCode.ok;
}

/** `cao gateway disable`. */
export async function gatewayDisable(ctx: CommandContext): Promise<number> {
  const file = await loadGatewayFile(ctx.home);
  const path = file.enabled?.configPath ?? join(ctx.userCodexHome, "config.toml");
  const { text, mode } = await readConfig(path);
  let record = file.enabled ?? null;
  if (record === null) {
    let current: unknown;
    try {
      current = parseToml(text)[ROUTING_KEY];
    } catch (error) {
      throw editError(path, error);
    }
    if (!isGatewayRoutingUrl(current)) {
      ctx.out.line(`Nothing to disable: ${path} does not route Codex through the gateway.`);
      return ExitCode.ok;
    }
    record = { configPath: path, value: current as string, previous: null };
  }
  let edit;
  try {
    edit = disableInConfig(text, record);
  } catch (error) {
    throw editError(path, error);
  }
  if (edit.kind !== "unchanged") await writeFileAtomic(path, edit.text, { mode: mode ?? 0o600 });
  await updateGatewayFile(ctx.home, (f) => void (f.enabled = null));
  switch (edit.kind) {
    case "removed":
      ctx.out.line(`Removed ${ROUTING_KEY} from ${path}: Codex talks to OpenAI directly again.`);
      break;
    case "restored":
      ctx.out.line(`Restored ${ROUTING_KEY} = "${edit.previous}" in ${path}.`);
      break;
    case "unchanged":
      ctx.out.line(`Left ${path} as it is: ${edit.reason}.`);
      break;
  }
  return ExitCode.ok;
}
