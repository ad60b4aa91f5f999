/**
 * @module
 * What `cao doctor` repairs before it checks: a damaged `registry.json`, `account_status.json`,
 * `usage_history.json`, `gateway.json`, `notify.json` or `notifications.json`, which the read-only views only
 * report (they must not change the home), is moved aside here as `<name>.corrupt-<time>` (never deleted) by the
 * stores' own writers: the registry is rebuilt from the account directories and written back, the others start
 * afresh. Each repair is a finding (a warning); one that cannot be done (a home this user cannot write) is an
 * error, and the file stays.
 */

import type { CaoHome } from "../accounts/cao_home.ts";
import { repairRegistry } from "../accounts/registry.ts";
import { statusFileProblem, updateStatusFile } from "../accounts/status_store.ts";
import { updateUsageHistory, usageHistoryProblem } from "../accounts/usage_history.ts";
import { peekJsonFile } from "../fs/json_file.ts";
import { osCaoError } from "../fs/os_error.ts";
import { updateGatewayFile } from "../gateway/settings.ts";
import { claimEvents } from "../notify/notify_log.ts";
import { updateNotifySettings } from "../notify/notify_settings.ts";
import type { Finding } from "../status/doctor_checks.ts";

/** Whether `path` is damaged the way its writer moves aside: not JSON, or (by `problem`) not of its shape. */
async function damaged(path: string, problem: (value: unknown) => string | null): Promise<boolean> {
  const read = await peekJsonFile(path).catch(() => null);
  return read?.kind === "corrupt" || (read?.kind === "ok" && problem(read.value) !== null);
}

/** Repairs the damaged data files of `home`; returns a finding per file moved aside (or that could not be). */
export async function repairDamagedFiles(home: CaoHome): Promise<Finding[]> {
  const findings: Finding[] = [];
  const said: string[] = [];
  const quiet: CaoHome = { ...home, warn: (message) => said.push(message) };
  const none = () => null;
  const repairs: [string, () => Promise<string | null>][] = [
    [home.paths.registry, () => repairRegistry(quiet)],
    [home.paths.status, async () => {
      if (await damaged(home.paths.status, statusFileProblem)) await updateStatusFile(quiet, () => {});
      return null;
    }],
    [home.paths.usageHistory, async () => {
      if (await damaged(home.paths.usageHistory, usageHistoryProblem)) {
        await updateUsageHistory(quiet, () => {});
      }
      return null;
    }],
    [home.paths.gatewaySettings, async () => {
      if (await damaged(home.paths.gatewaySettings, none)) await updateGatewayFile(quiet, () => {});
      return null;
    }],
    [home.paths.notifySettings, async () => {
      if (await damaged(home.paths.notifySettings, none)) await updateNotifySettings(quiet, () => {});
      return null;
    }],
    [home.paths.notifyLog, async () => {
      if (await damaged(home.paths.notifyLog, none)) await claimEvents(quiet, [], "cao doctor");
      return null;
    }],
  ];
  for (const [path, repair] of repairs) {
    try {
      const done = await repair();
      if (done !== null) said.push(done);
    } catch (error) {
      const why = osCaoError(error, home.paths.root)?.message ?? (error as Error).message;
      findings.push({
        check: "damaged-file",
        severity: "error",
        account: null,
        message: `"${path}" is damaged and could not be moved aside: ${why}`,
        fix: `check the permissions of "${home.paths.root}" (ls -ld), then run "cao doctor" again`,
      });
    }
  }
  const moved: Finding[] = said.map((message) => ({
    check: "damaged-file-moved-aside",
    severity: "warning",
    account: null,
    message,
    fix: "nothing more to do (compare the moved copy with the new file if you edited it by hand)",
  }));
  return [...moved, ...findings];
}
