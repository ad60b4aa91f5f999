/**
 * @module
 * Desktop notifications: Linux (and the BSDs) through `notify-send`, macOS through `osascript`, Windows
 * through a PowerShell toast. The title and body travel as arguments or environment variables, never pasted
 * into a script, so no text can break out. {@link desktopCommand} is pure; {@link sendDesktop} runs it with a
 * timeout and reports a missing notifier as `missing`, anything else that goes wrong as `failed`.
 */

import type { SpawnFn } from "../codex/spawn.ts";
import type { NotifyMessage } from "./event_text.ts";
import type { ChannelResult } from "./notify_log.ts";
import { type Cancel, later } from "../shared/timers.ts";

/** The command that shows one notification. */
export interface DesktopCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const TOAST_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null",
  "$kind = [Windows.UI.Notifications.ToastTemplateType]::ToastText02",
  "$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent($kind)",
  "$texts = $xml.GetElementsByTagName('text')",
  "$texts.Item(0).AppendChild($xml.CreateTextNode($env:CAO_NOTIFY_TITLE)) > $null",
  "$texts.Item(1).AppendChild($xml.CreateTextNode($env:CAO_NOTIFY_BODY)) > $null",
  "$app = '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe'",
  "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($app).Show(" +
  "[Windows.UI.Notifications.ToastNotification]::new($xml))",
].join("; ");

/** The notifier command for `os` (`Deno.build.os`). Pure. */
export function desktopCommand(os: string, message: NotifyMessage): DesktopCommand {
  if (os === "darwin") {
    return {
      command: "osascript",
      args: [
        "-e",
        "on run argv",
        "-e",
        "display notification (item 2 of argv) with title (item 1 of argv)",
        "-e",
        "end run",
        message.title,
        message.body,
      ],
    };
  }
  if (os === "windows") {
    return {
      command: "powershell",
      args: ["-NoProfile", "-NonInteractive", "-Command", TOAST_SCRIPT],
      env: { CAO_NOTIFY_TITLE: message.title, CAO_NOTIFY_BODY: message.body },
    };
  }
  return { command: "notify-send", args: ["--app-name=cao", "--", message.title, message.body] };
}

/**
 * Whether a desktop session looks reachable: always on macOS and Windows; on Linux a display or a session
 * bus must be set (over SSH there is none). Pure.
 */
export function hasDesktopSession(os: string, env: (name: string) => string | undefined): boolean {
  if (os === "darwin" || os === "windows") return true;
  return ["DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"].some((name) => (env(name) ?? "") !== "");
}

/** Shows one notification; never throws. */
export async function sendDesktop(
  spawn: SpawnFn,
  command: DesktopCommand,
  timeoutMs = 5000,
): Promise<ChannelResult> {
  let child;
  try {
    child = spawn(command.command, {
      args: command.args,
      env: command.env,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { channel: "desktop", outcome: "missing", error: `${command.command} not found` };
    }
    return {
      channel: "desktop",
      outcome: "failed",
      error: `${command.command}: ${(error as Error).message}`,
    };
  }
  let cancelTimer: Cancel = () => {};
  const timedOut = new Promise<"timeout">((resolve) =>
    cancelTimer = later(timeoutMs, () => resolve("timeout"))
  );
  const stderr = new Response(child.stderr).text().catch(() => "");
  try {
    const status = await Promise.race([child.status, timedOut]);
    if (status === "timeout") {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status.catch(() => {});
      return {
        channel: "desktop",
        outcome: "failed",
        error: `${command.command} did not finish within ${timeoutMs} ms`,
      };
    }
    if (status.code === 0) return { channel: "desktop", outcome: "sent" };
    const text = (await stderr).trim().split("\n")[0];
    return {
      channel: "desktop",
      outcome: "failed",
      error: `${command.command} exited with ${status.code}${text ? `: ${text}` : ""}`,
    };
  } finally {
    cancelTimer();
    await stderr;
  }
}
