/**
 * @module
 * Stand-ins for notification receivers: a fake `notify-send` (a shell script put first on `PATH`) that
 * records the arguments of every call, and a loopback webhook receiver that records every POST. Test-only.
 */

/** A fake `notify-send` in a temp directory. */
export interface FakeNotifySend extends AsyncDisposable {
  /** The directory holding `notify-send`: put it first on `PATH`. */
  dir: string;
  /** `PATH` with the fake first. */
  path: string;
  /** The arguments of every call so far, in order. */
  calls(): Promise<string[][]>;
}

/** Creates a fake `notify-send` that records its arguments (and exits with `exitCode`). */
export async function fakeNotifySend(exitCode = 0): Promise<FakeNotifySend> {
  const dir = await Deno.makeTempDir({ prefix: "cao-notify-send-" });
  const log = `${dir}/calls.log`;
  await Deno.writeTextFile(
    `${dir}/notify-send`,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\037' "$a"; done >> '${log}'\nprintf '\\n' >> '${log}'\n` +
      (exitCode === 0 ? "exit 0\n" : `echo 'fake notify-send failed' >&2\nexit ${exitCode}\n`),
    { mode: 0o755 },
  );
  return {
    dir,
    path: `${dir}:${Deno.env.get("PATH") ?? ""}`,
    async calls() {
      let text = "";
      try {
        text = await Deno.readTextFile(log);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return text.split("\n").filter((l) => l.length > 0).map((l) => l.split("\x1f").slice(0, -1));
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** One POST the receiver got. */
export interface ReceivedHook {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A loopback webhook receiver. */
export interface WebhookReceiver extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  received: ReceivedHook[];
  /** The status it answers with (default 200). */
  status: number;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 at a free port. */
export function startWebhookReceiver(): Promise<WebhookReceiver> {
  return new Promise((resolve) => {
    const state = { status: 200 };
    const received: ReceivedHook[] = [];
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        let closed: Promise<void> | undefined;
        const close = () => closed ??= server.shutdown();
        resolve({
          url: `http://127.0.0.1:${port}`,
          received,
          get status() {
            return state.status;
          },
          set status(value: number) {
            state.status = value;
          },
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, async (request) => {
      const text = await request.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch { /* keep the text */ }
      received.push({
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers),
        body,
      });
      return new Response("ok", { status: state.status });
    });
  });
}
