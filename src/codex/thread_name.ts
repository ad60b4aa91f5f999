/**
 * @module
 * A conversation's title (Codex calls it the thread name) across homes. Codex 0.171's TUI shows it in its
 * footer and exit hint and names a thread that has none after the first prompt it submits — in a resumed
 * session too — so a copy resumed with cao's resume prompt was retitled with that prompt
 * (/work/notes/issue11-research.md §3). The name lives in the home's `state_5.sqlite` (and is appended to
 * `session_index.jsonl`); a copied rollout carries none. So before the TUI opens the copy, cao sets the name
 * there through Codex itself: `codex app-server` (stdio JSON-RPC) → `thread/name/set`. The name is the source
 * home's (its last `session_index.jsonl` entry), else the conversation's first message, which is what the
 * resume picker shows. Nothing here prints.
 */

import { codexHomePaths } from "./codex_home_paths.ts";
import type { SpawnFn } from "./spawn.ts";

/** The last name `session_index.jsonl` text gives thread `id`, or null. Pure. */
export function lastThreadName(indexText: string, id: string): string | null {
  let name: string | null = null;
  for (const line of indexText.split("\n")) {
    if (!line.includes(id)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.id === id && typeof entry.thread_name === "string" && entry.thread_name !== "") {
        name = entry.thread_name;
      }
    } catch { /* a torn line */ }
  }
  return name;
}

/** The first message the user wrote in a rollout's text (not Codex's own context blocks), or null. Pure. */
export function firstUserMessage(rolloutText: string): string | null {
  for (const line of rolloutText.split("\n")) {
    if (!line.includes('"user')) continue;
    let doc: { type?: unknown; payload?: Record<string, unknown> };
    try {
      doc = JSON.parse(line);
    } catch {
      continue;
    }
    const payload = doc.payload ?? {};
    if (doc.type === "event_msg" && payload.type === "user_message" && typeof payload.message === "string") {
      return payload.message.trim() || null;
    }
    if (doc.type === "response_item" && payload.type === "message" && payload.role === "user") {
      const text = (payload.content as { text?: unknown }[] | undefined)?.[0]?.text;
      if (typeof text === "string" && !text.trimStart().startsWith("<") && text.trim() !== "") {
        return text.trim();
      }
    }
  }
  return null;
}

/** The title to keep for session `id` whose newest copy is `rolloutPath` in `codexHome`. */
export async function threadTitle(
  codexHome: string,
  id: string,
  rolloutPath: string,
): Promise<string | null> {
  const index = await Deno.readTextFile(`${codexHomePaths(codexHome).root}/session_index.jsonl`).catch(() =>
    ""
  );
  const named = lastThreadName(index, id);
  if (named !== null) return named;
  const first = firstUserMessage(await Deno.readTextFile(rolloutPath).catch(() => ""));
  return first === null ? null : first.split("\n")[0].slice(0, 120);
}

/**
 * Sets thread `id`'s name in `codexHome` through `codex app-server` (JSON-RPC over stdio), with the user's
 * own `-c`/`--enable`/`--disable` options (`configArgs`). True when Codex confirmed it; false when it could not (an older Codex, no answer within `timeoutMs`): the TUI then names
 * the thread as it would anyway.
 */
export async function setThreadName(
  spawn: SpawnFn,
  codex: string,
  codexHome: string,
  id: string,
  name: string,
  env: Record<string, string> = {},
  configArgs: string[] = [],
  timeoutMs = 15_000,
): Promise<boolean> {
  let child;
  try {
    child = spawn(codex, {
      args: [...configArgs, "app-server"],
      env: { ...env, CODEX_HOME: codexHome },
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    });
  } catch {
    return false;
  }
  const writer = child.stdin?.getWriter();
  const reader = child.stdout?.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    if (!writer || !reader) return false;
    const messages = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { clientInfo: { name: "cao", version: "1" } } },
      { jsonrpc: "2.0", method: "initialized" },
      { jsonrpc: "2.0", id: 2, method: "thread/name/set", params: { threadId: id, name } },
    ];
    await writer.write(new TextEncoder().encode(messages.map((m) => JSON.stringify(m)).join("\n") + "\n"));
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      buffered += value;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const doc = JSON.parse(line) as { id?: unknown; result?: unknown; error?: unknown };
          if (doc.id === 2) return doc.result !== undefined && doc.error === undefined;
        } catch { /* not JSON-RPC */ }
      }
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await writer?.close().catch(() => {});
    await reader?.cancel().catch(() => {});
    await child.status.catch(() => {});
  }
}
