/**
 * @module
 * Every path cao uses, derived from one root: the cao home. Pure: resolving the root takes the inputs as
 * arguments (flag, environment, user home), so nothing here reads the environment itself.
 */

import { joinPath } from "../fs/path.ts";

/** Name of the cao home directory inside the user's home. */
export const DEFAULT_HOME_DIRNAME = ".codex-account-orchestrator";

/** The files and directories of one cao home. */
export interface CaoPaths {
  /** The cao home itself (mode 0700). */
  root: string;
  /** `registry.json`: the accounts, their order and the default. */
  registry: string;
  /** `account_status.json`: what cao has learned about each account. */
  status: string;
  /** `gateway.json`: saved gateway settings. */
  gatewaySettings: string;
  /** `gateway.log`: the log of a detached gateway (0600, appended). */
  gatewayLog: string;
  /** `usage_history.json`: usage windows observed over time (see `usage_history.ts`). */
  usageHistory: string;
  /** `notify.json`: which notifications are sent and where (see `notify/notify_settings.ts`). */
  notifySettings: string;
  /** `notifications.json`: the notifications sent (one per event across processes) and each channel's health. */
  notifyLog: string;
  /** `dashboard.json`: the dashboard's read key (0600, see `gateway/dashboard_key.ts`). */
  dashboardKey: string;
  /** The CODEX_HOME of one account. */
  accountDir(name: string): string;
  /** The Codex login of one account. */
  authFile(name: string): string;
  /** The Codex config of one account. */
  configFile(name: string): string;
  /** `.cao-run.lock` in one account's home: held by the `cao run` whose codex runs there (see `run_lock.ts`). */
  runLock(name: string): string;
}

/** Inputs for locating the cao home, in order of precedence. */
export interface HomeInputs {
  /** `--data-dir` on the command line. */
  dataDir?: string;
  /** `CAO_HOME` from the environment. */
  caoHomeEnv?: string;
  /** The user's home directory (HOME, or USERPROFILE on Windows). */
  userHome: string;
}

/** `--data-dir` > `CAO_HOME` > `<user home>/.codex-account-orchestrator`. */
export function resolveCaoRoot(inputs: HomeInputs): string {
  if (inputs.dataDir && inputs.dataDir.length > 0) return inputs.dataDir;
  if (inputs.caoHomeEnv && inputs.caoHomeEnv.length > 0) return inputs.caoHomeEnv;
  return joinPath(inputs.userHome, DEFAULT_HOME_DIRNAME);
}

/** All paths below a cao home root. Account names must already be validated. */
export function caoPaths(root: string): CaoPaths {
  return {
    root,
    registry: joinPath(root, "registry.json"),
    status: joinPath(root, "account_status.json"),
    gatewaySettings: joinPath(root, "gateway.json"),
    gatewayLog: joinPath(root, "gateway.log"),
    usageHistory: joinPath(root, "usage_history.json"),
    notifySettings: joinPath(root, "notify.json"),
    notifyLog: joinPath(root, "notifications.json"),
    dashboardKey: joinPath(root, "dashboard.json"),
    accountDir: (name) => joinPath(root, name),
    authFile: (name) => joinPath(root, name, "auth.json"),
    configFile: (name) => joinPath(root, name, "config.toml"),
    runLock: (name) => joinPath(root, name, ".cao-run.lock"),
  };
}
