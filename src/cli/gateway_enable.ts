/**
 * @module
 * `cao gateway enable|disable`: route plain `codex`, the desktop app and the IDE extension through the
 * gateway by a minimal, comment-preserving edit of the user's `config.toml` (`codex_config_edit.ts`), and
 * take exactly that edit out again. What enable wrote is recorded in gateway.json (`enabled`). Both are
 * idempotent and say what they changed. The value enable writes carries the gateway's proxy key (never the
 * control key: Codex prints and stores this URL), which still lets a caller use the accounts, so the file is
 * then written without group or other access. A symlinked config.toml (stow, home-manager) is edited where
 * it points, so the link stays a link; the read-edit-write runs under a lock in the cao home, so that nothing
 * is left beside the user's file. `disable` puts back what was there: the value, the file's mode, or no file
 * at all when enable created it and nothing else was written into it since.
 */

import { isCaoGatewayUrl } from "../codex/account_config.ts";
import { dirname, resolve } from "node:path";
import { codexHomePaths } from "../codex/codex_home_paths.ts";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import { withFileLock } from "../fs/file_lock.ts";
import { gatewayBaseUrl } from "../gateway/address.ts";
import { probeGateway, savedGatewayUrl } from "../gateway/client.ts";
import {
  ConfigEditRefusal,
  type DisableEdit,
  disableInConfig,
  type EnableEdit,
  enableInConfig,
  ROUTING_KEY,
} from "../gateway/codex_config_edit.ts";
import {
  type EnableRecord,
  ensureGatewayKeys,
  loadGatewayFile,
  updateGatewayFile,
} from "../gateway/settings.ts";
import { parseToml } from "../deps/toml.ts";
import { CaoError, ExitCode } from "../shared/errors.ts";
import type { CommandContext } from "./context.ts";

/** Where a write to `path` must go: the file a symlink points at (followed to the end), else `path`. */
async function writeTarget(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    // A link to a file that does not exist yet: create that file, keep the link.
    return resolve(dirname(path), await Deno.readLink(path));
  } catch {
    return path;
  }
}

/** Mode for a config.toml holding the gateway key: the old mode without group and other bits. Pure. */
export function privateMode(mode: number | null): number {
  return (mode ?? 0o600) & 0o777 & ~0o077;
}

async function readConfig(path: string): Promise<{ text: string; mode: number | null }> {
  try {
    const [text, info] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return { text, mode: info.mode !== null ? info.mode & 0o777 : null };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { text: "", mode: null };
    throw error;
  }
}

/** The error for a config enable/disable will not edit: a refusal says why, anything else is invalid TOML. */
function editError(path: string, error: unknown): CaoError {
  if (error instanceof ConfigEditRefusal) {
    return new CaoError(`Cannot edit "${path}": ${error.reason}`, { hint: error.hint });
  }
  return new CaoError(`Cannot edit "${path}": ${(error as Error).message.split("\n")[0]}`, {
    hint: "fix the file so that it is valid TOML, then run the command again",
  });
}

/** The `previous` to record: the user's own value, never an earlier gateway URL or cao's own value. Pure. */
export function previousToRecord(
  edit: EnableEdit,
  recorded: EnableRecord | null | undefined,
): string | null {
  const kept = recorded?.previous ?? null;
  if (edit.kind === "added") return null;
  if (edit.kind === "unchanged") return kept;
  if (isCaoGatewayUrl(edit.previous) || edit.previous === recorded?.value) return kept;
  return edit.previous;
}

/** The lock of an edit of the user's config.toml: in the cao home, so that nothing is left beside the file. */
function editLock(ctx: CommandContext): string {
  return `${ctx.home.paths.root}/codex-config.lock`;
}

/** `cao gateway enable`. */
export async function gatewayEnable(ctx: CommandContext): Promise<number> {
  const keys = await ensureGatewayKeys(ctx.home);
  const url = savedGatewayUrl(await loadGatewayFile(ctx.home));
  // Codex may print and store this URL: it carries the proxy key, which can do nothing but proxy.
  const value = gatewayBaseUrl(url, keys.proxy);
  const path = codexHomePaths(ctx.userCodexHome).configFile;
  await Deno.mkdir(ctx.userCodexHome, { recursive: true });
  const { edit, madePrivate } = await withFileLock(editLock(ctx), async () => {
    const target = await writeTarget(path);
    const { text, mode } = await readConfig(target);
    let edit: EnableEdit;
    try {
      edit = enableInConfig(text, value);
    } catch (error) {
      throw editError(path, error);
    }
    const newMode = privateMode(mode);
    const madePrivate = mode !== null && mode !== newMode;
    if (edit.kind !== "unchanged") {
      await writeFileAtomic(target, edit.text, { mode: newMode });
    } else if (madePrivate && Deno.build.os !== "windows") {
      await Deno.chmod(target, newMode);
    }
    await updateGatewayFile(ctx.home, (file) => {
      if (edit.kind === "unchanged" && file.enabled?.value === value) return;
      // The mode (or absence) before cao first touched the file, kept across repeated enables.
      const previousMode = file.enabled && "previousMode" in file.enabled ? file.enabled.previousMode : mode;
      file.enabled = {
        configPath: path,
        value,
        previous: previousToRecord(edit, file.enabled),
        previousMode,
      };
    });
    return { edit, madePrivate: madePrivate && Deno.build.os !== "windows" ? newMode : null };
  });
  if (edit.kind === "unchanged") {
    ctx.out.line(`Already enabled: ${path} routes Codex through the gateway at ${url}.`);
  } else {
    const was = edit.kind !== "replaced"
      ? ""
      : isCaoGatewayUrl(edit.previous)
      ? " (it named an earlier cao gateway address)"
      : ` (it was "${edit.previous}"; disable puts that back)`;
    ctx.out.line(`Set ${ROUTING_KEY} in ${path}${was}.`);
    ctx.out.line(`Codex, the desktop app and the IDE extension now use the gateway at ${url}.`);
  }
  if (madePrivate !== null) {
    ctx.out.line(
      `Made ${path} readable by you only (mode ${
        madePrivate.toString(8).padStart(4, "0")
      }): the value holds the gateway's proxy key.`,
    );
  }
  if ((await probeGateway(ctx.deps.fetch, url, keys.control)).kind !== "up") {
    ctx.out.warn(`no gateway answers at ${url} yet: start it with "cao gateway start --detach"`);
  }
  return ExitCode.ok;
}

/** `cao gateway disable`. */
export async function gatewayDisable(ctx: CommandContext): Promise<number> {
  const file = await loadGatewayFile(ctx.home);
  const path = file.enabled?.configPath ?? codexHomePaths(ctx.userCodexHome).configFile;
  let lockable = true;
  try {
    await Deno.stat(dirname(path));
    await Deno.stat(ctx.home.paths.root);
  } catch {
    lockable = false;
  }
  const work = async (): Promise<DisableEdit | null> => {
    const target = await writeTarget(path);
    const { text, mode } = await readConfig(target);
    let record = (await loadGatewayFile(ctx.home)).enabled ?? null;
    if (record === null) {
      let current: unknown;
      try {
        current = parseToml(text)[ROUTING_KEY];
      } catch (error) {
        throw editError(path, error);
      }
      if (!isCaoGatewayUrl(current)) return null;
      record = { configPath: path, value: current as string, previous: null };
    }
    let edit;
    try {
      edit = disableInConfig(text, record);
    } catch (error) {
      throw editError(path, error);
    }
    if (edit.kind !== "unchanged") {
      const created = record.previousMode === null && record.previous === null;
      if (created && edit.kind === "removed" && edit.text.trim() === "") await Deno.remove(target);
      else {
        const restored = typeof record.previousMode === "number" ? record.previousMode : mode ?? 0o600;
        await writeFileAtomic(target, edit.text, { mode: restored });
        if (Deno.build.os !== "windows") await Deno.chmod(target, restored);
      }
    }
    await updateGatewayFile(ctx.home, (f) => void (f.enabled = null));
    // An earlier cao locked the edit with `<config>.cao.lock` beside the file; nothing uses it any more.
    await Deno.remove(`${path}.cao.lock`).catch(() => {});
    return edit;
  };
  const edit = lockable ? await withFileLock(editLock(ctx), work) : await work();
  if (edit === null) {
    ctx.out.line(`Nothing to disable: ${path} does not route Codex through the gateway.`);
    return ExitCode.ok;
  }
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
