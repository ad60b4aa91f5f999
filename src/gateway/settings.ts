/**
 * @module
 * `gateway.json`: the gateway's saved settings, its two keys, what `gateway enable` changed, and what a
 * running gateway reports about itself. Resolving the settings is pure and follows one rule: command-line flags beat
 * the saved file, which beats the defaults (a flag that was not given is `undefined`, never a default).
 * {@link updateGatewayFile} is the only writer (locked, atomic, 0600: the file holds the keys).
 *
 * Two keys (see {@link GatewayKeys}): the **proxy key** may leave the file — it goes into URLs
 * (`openai_base_url = …/k/<proxy key>`, written by `gateway enable`), where Codex may print or store it — and
 * lets a caller do nothing but use the gateway as its model endpoint; the **control key** never leaves the
 * file except in the `x-cao-gateway-key` header of cao's own requests, and is what `/status`, `/shutdown` and
 * `/run-key` ask for. A file written before the split has one `key`, which may sit in a config.toml: it becomes
 * the proxy key and a new control key is made ({@link ensureGatewayKeys}). So a benchmark harness that writes
 * `{"schemaVersion":1,"key":"sk-cao-gw-…"}` gets a gateway that proxies `/k/<that key>/…`.
 *
 * On-disk format (schemaVersion 1; every field optional when read):
 * ```json
 * { "schemaVersion": 1,
 *   "port": 4319, "bind": "127.0.0.1", "upstream": "https://chatgpt.com/backend-api/codex",
 *   "switchAt": 90, "allowRemote": false, "idleTimeoutSeconds": 300, "retries": 2, "defaultCooldownMinutes": 60,
 *   "proxyKey": "sk-cao-gw-…", "controlKey": "sk-cao-ctl-…",
 *   "enabled": { "configPath": "/home/me/.codex/config.toml", "value": "http://127.0.0.1:4319/k/…", "previous": null },
 *   "running": { "pid": 4242, "url": "http://127.0.0.1:4319", "startedAt": "…", "logFile": null },
 *   "accountsInUse": ["work"] }
 * ```
 */

import { jsonObject } from "../shared/json_value.ts";
import type { CaoHome } from "../accounts/cao_home.ts";
import { updateLocked } from "../accounts/locked_update.ts";
import { peekJsonFile, readJsonFile, reportDamagedOnce } from "../fs/json_file.ts";
import { gatewayDocFromSeed, isSeedGatewayDoc } from "./seed_settings.ts";

/** The gateway.json schema version this build writes. */
export const GATEWAY_SCHEMA_VERSION = 1;

/** Settings of one gateway run. */
export interface GatewaySettings {
  /** TCP port (0: any free port). */
  port: number;
  /** Address to listen on; loopback unless `allowRemote`. */
  bind: string;
  /** Base URL requests are forwarded to, their path appended. */
  upstream: string;
  /** New conversations avoid accounts whose 5-hour or weekly window is at or above this percent (null: off). */
  switchAt: number | null;
  /** Whether a non-loopback `bind` is allowed (every request still needs the key). */
  allowRemote: boolean;
  /** An upstream that sends nothing for this long is given up on (no limit on a stream that keeps talking). */
  idleTimeoutSeconds: number;
  /** Retries on the same account after a 5xx answer or a network error. */
  retries: number;
  /** Cooldown after a usage limit whose reset time is unknown or already past (0: none; the next new
   * conversation tries the account again). */
  defaultCooldownMinutes: number;
}

/** Defaults (the lowest precedence). */
export const DEFAULT_GATEWAY_SETTINGS: GatewaySettings = {
  port: 4319,
  bind: "127.0.0.1",
  upstream: "https://chatgpt.com/backend-api/codex",
  switchAt: null,
  allowRemote: false,
  idleTimeoutSeconds: 300,
  retries: 2,
  defaultCooldownMinutes: 60,
};

/** What `gateway enable` put into a Codex config.toml, so that `disable` can take exactly that out. */
export interface EnableRecord {
  /** The config.toml edited. */
  configPath: string;
  /** The `openai_base_url` value written. */
  value: string;
  /** The value it replaced (null: the key was absent). */
  previous: string | null;
  /**
   * The file's mode before the first enable made it private (`disable` puts it back); null: there was no
   * file (`disable` removes the one enable created when nothing else is left in it); absent: not recorded.
   */
  previousMode?: number | null;
}

/** What a running gateway reports about itself. */
export interface RunningRecord {
  pid: number;
  /** `http://<host>:<port>` without the key. */
  url: string;
  startedAt: string;
  /** Where a detached gateway logs (null: stderr). */
  logFile: string | null;
}

/** The whole gateway.json. Unknown fields are kept. */
export interface GatewayFile extends Partial<GatewaySettings> {
  schemaVersion: number;
  /** The key that may go into URLs and only proxies (`/k/<proxyKey>/…`). */
  proxyKey?: string;
  /** The key of cao's own control requests (`x-cao-gateway-key` header only; never in a URL). */
  controlKey?: string;
  /** Before the split: the one key (read once, then moved to `proxyKey`). */
  key?: string;
  enabled?: EnableRecord | null;
  running?: RunningRecord | null;
  /** Accounts serving conversations now (read by `cao status`). */
  accountsInUse?: string[];
  [extra: string]: unknown;
}

/** Why a settings value is unusable, or null. Pure. */
export function settingsProblem(s: GatewaySettings): string | null {
  if (!Number.isInteger(s.port) || s.port < 0 || s.port > 65535) return `port ${s.port} is not a TCP port`;
  if (s.switchAt !== null && !(s.switchAt > 0 && s.switchAt <= 100)) {
    return `--switch-at ${s.switchAt} is not a percent between 1 and 100`;
  }
  if (!(s.idleTimeoutSeconds > 0)) {
    return `idle timeout ${s.idleTimeoutSeconds} is not a positive number of seconds`;
  }
  if (!Number.isInteger(s.retries) || s.retries < 0 || s.retries > 10) {
    return `retries ${s.retries} is not 0-10`;
  }
  if (!(s.defaultCooldownMinutes >= 0 && Number.isFinite(s.defaultCooldownMinutes))) {
    // The words of the flag's own refusal (cli/gateway_start.ts): only a value from gateway.json gets here.
    const minutes = s.defaultCooldownMinutes;
    return `--default-cooldown ${minutes} in gateway.json: expected a number of minutes, at least 0`;
  }
  try {
    const url = new URL(s.upstream);
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return `upstream "${s.upstream}" is not http(s)`;
    }
  } catch {
    return `upstream "${s.upstream}" is not a URL`;
  }
  return null;
}

/** The saved settings inside a parsed gateway.json, dropping values of the wrong type. Pure. */
export function savedSettings(file: GatewayFile): Partial<GatewaySettings> {
  const out: Partial<GatewaySettings> = {};
  if (typeof file.port === "number") out.port = file.port;
  if (typeof file.bind === "string") out.bind = file.bind;
  if (typeof file.upstream === "string") out.upstream = file.upstream;
  if (typeof file.switchAt === "number" || file.switchAt === null) out.switchAt = file.switchAt;
  if (typeof file.allowRemote === "boolean") out.allowRemote = file.allowRemote;
  if (typeof file.idleTimeoutSeconds === "number") out.idleTimeoutSeconds = file.idleTimeoutSeconds;
  if (typeof file.retries === "number") out.retries = file.retries;
  if (typeof file.defaultCooldownMinutes === "number") {
    out.defaultCooldownMinutes = file.defaultCooldownMinutes;
  }
  return out;
}

function defined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Flags > gateway.json > defaults. Pure. */
export function resolveSettings(
  flags: Partial<GatewaySettings>,
  saved: Partial<GatewaySettings>,
): GatewaySettings {
  return { ...DEFAULT_GATEWAY_SETTINGS, ...defined(saved), ...defined(flags) };
}

/** Normalises a parsed gateway.json (anything unusable yields an empty file). Pure. */
export function parseGatewayFile(value: unknown): GatewayFile {
  if (isSeedGatewayDoc(value)) value = gatewayDocFromSeed(value);
  return { ...jsonObject(value), schemaVersion: GATEWAY_SCHEMA_VERSION };
}

/** A new random gateway key. It starts with `sk-` so that cao's redaction hides it wherever it is printed. */
export function newGatewayKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return "sk-cao-gw-" +
    btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Reads gateway.json (an empty one when missing), changing nothing: an unparsable one is reported (once) and
 * read as empty. Only {@link updateGatewayFile}, a writer, moves it aside.
 */
export async function loadGatewayFile(home: CaoHome): Promise<GatewayFile> {
  return await readGatewayFile(home, false);
}

async function readGatewayFile(home: CaoHome, forWrite: boolean): Promise<GatewayFile> {
  const path = home.paths.gatewaySettings;
  const read = forWrite ? await readJsonFile(path, home.now()) : await peekJsonFile(path);
  if (read.kind === "missing") return parseGatewayFile({});
  if (read.kind === "corrupt") {
    if ("movedTo" in read) {
      home.warn(`gateway.json could not be parsed (${read.reason}); it was moved to "${read.movedTo}"`);
    } else reportDamagedOnce(home.warn, path, `could not be parsed (${read.reason})`, "read as empty");
    return parseGatewayFile({});
  }
  return parseGatewayFile(read.value);
}

/**
 * Reads, edits and writes gateway.json under its lock (0600); rewritten only when the content changed, so an
 * edit that changes nothing creates no file either.
 */
export async function updateGatewayFile<T>(
  home: CaoHome,
  edit: (file: GatewayFile) => T | Promise<T>,
): Promise<T> {
  return await updateLocked(home, {
    path: home.paths.gatewaySettings,
    read: () => readGatewayFile(home, true),
    toJson: (file) => file,
    write: "changed",
  }, edit);
}

/** A new random control key (`sk-` keeps it redacted; it never names a gateway URL). */
export function newControlKey(): string {
  return newGatewayKey().replace(/^sk-cao-gw-/, "sk-cao-ctl-");
}

/** The gateway's keys. */
export interface GatewayKeys {
  /** `x-cao-gateway-key` header of cao's own requests only: `/status`, `/shutdown`, `/run-key`, and proxying. */
  control: string;
  /** May be in a URL (`/k/<proxy>`): proxying and Codex's token refreshes, nothing else. */
  proxy: string;
}

function usableKey(value: unknown): value is string {
  return typeof value === "string" && value.length >= 16;
}

/**
 * Brings a parsed gateway.json to two keys: a legacy `key` becomes the proxy key (it may be in a config.toml
 * already), a missing key is made. Returns the keys and whether the file changed. Pure apart from the random keys.
 */
export function settleGatewayKeys(file: GatewayFile): GatewayKeys & { changed: boolean } {
  let changed = false;
  if (!usableKey(file.proxyKey)) {
    file.proxyKey = usableKey(file.key) ? file.key : newGatewayKey();
    changed = true;
  }
  if ("key" in file) {
    delete file.key;
    changed = true;
  }
  if (!usableKey(file.controlKey) || file.controlKey === file.proxyKey) {
    file.controlKey = newControlKey();
    changed = true;
  }
  return { control: file.controlKey, proxy: file.proxyKey, changed };
}

/** The saved control key, or null when there is none yet. Writes nothing. */
export async function readControlKey(home: CaoHome): Promise<string | null> {
  const existing = (await loadGatewayFile(home)).controlKey;
  return usableKey(existing) ? existing : null;
}

/** The gateway's keys, made (or split from a legacy single key) and saved on first use. */
export async function ensureGatewayKeys(home: CaoHome): Promise<GatewayKeys> {
  const pending = pendingGatewayKeys(home, await loadGatewayFile(home));
  return await (pending.saving ?? pending.keys);
}

/**
 * The keys `file` (as just read) settles to, and their save when it has none yet (null: nothing to save). The
 * save settles them again under the lock, so another start's keys, saved in between, win over these.
 */
export function pendingGatewayKeys(
  home: CaoHome,
  file: GatewayFile,
): { keys: GatewayKeys; saving: Promise<GatewayKeys> | null } {
  const settled = settleGatewayKeys(structuredClone(file));
  const keys = { control: settled.control, proxy: settled.proxy };
  if (!settled.changed) return { keys, saving: null };
  const saving = updateGatewayFile(home, (latest) => {
    const { control, proxy } = settleGatewayKeys(latest);
    return { control, proxy };
  });
  return { keys, saving };
}
