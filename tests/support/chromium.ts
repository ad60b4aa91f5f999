/**
 * @module
 * A real headless Chromium for tests, driven over the DevTools protocol directly (a WebSocket and a few
 * commands; no npm client). Debian's `chromium` package, or `CAO_TEST_CHROMIUM`. It runs with a fresh
 * profile, no background networking, and a host resolver that resolves nothing but loopback, so a page can
 * reach 127.0.0.1 and nothing else. {@link chromiumProblem} says why no browser can run here: the browser
 * tests are ignored then, except on CI (`CI=true`), where they fail loudly instead. Test-only.
 */

import { onCi } from "./ci_tools.ts";
import { within } from "./wait.ts";

/** The Chromium to run: `CAO_TEST_CHROMIUM`, else the first of `chromium`, `chromium-browser` on PATH. */
export async function findChromium(): Promise<string | null> {
  const given = Deno.env.get("CAO_TEST_CHROMIUM");
  if (given) return await Deno.stat(given).then((i) => i.isFile ? given : null, () => null);
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser"]) {
      try {
        const info = await Deno.stat(`${dir}/${name}`);
        if (info.isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
  return null;
}

/** Why the browser tests cannot run here (null: they can). */
export async function chromiumProblem(): Promise<string | null> {
  if (await findChromium() !== null) return null;
  const given = Deno.env.get("CAO_TEST_CHROMIUM");
  return given
    ? `CAO_TEST_CHROMIUM="${given}" is not a file`
    : 'no Chromium found (install Debian\'s "chromium" package, or set CAO_TEST_CHROMIUM)';
}

/**
 * Why the browser tests are skipped here, for their names (so the report says it), or null when they run.
 * On CI they always run, so that a missing browser fails them instead of silently skipping.
 */
export async function browserSkipReason(): Promise<string | null> {
  return onCi() ? null : await chromiumProblem();
}

/** The flags every test browser starts with. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
  "--remote-debugging-port=0",
];

type Message = { id?: number; method?: string; params?: Record<string, unknown>; sessionId?: string } & {
  result?: Record<string, unknown>;
  error?: { message: string };
};

/** One tab. */
export interface Page {
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  /** Evaluates an expression (promises awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Sets the window size in CSS pixels. */
  setViewport(width: number, height: number): Promise<void>;
  /** Emulates the system's colour scheme (`prefers-color-scheme`). */
  setColorScheme(scheme: "light" | "dark"): Promise<void>;
  /** A PNG of the page (the whole page when `fullPage`). */
  screenshot(fullPage?: boolean): Promise<Uint8Array>;
}

/** A running browser. */
export interface Browser extends AsyncDisposable {
  newPage(): Promise<Page>;
}

/** Starts Chromium (throws when there is none, with the reason). */
export async function launchChromium(): Promise<Browser> {
  const path = await findChromium();
  if (path === null) throw new Error((await chromiumProblem())!);
  const profile = await Deno.makeTempDir({ prefix: "cao-chromium-" });
  const child = new Deno.Command(path, {
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, "about:blank"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let announce!: (url: string) => void;
  const announced = new Promise<string>((resolve) => announce = resolve);
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) announce(match[1]);
    }
  })();
  const cleanup = async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await child.status;
    await drained.catch(() => {});
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  };
  let endpoint: string;
  try {
    endpoint = await within(
      Promise.race([
        announced,
        child.status.then((s) => Promise.reject(new Error(`chromium exited ${s.code}`))),
      ]),
      30_000,
      "chromium to listen for DevTools",
    );
  } catch (error) {
    await cleanup();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const socket = new WebSocket(endpoint);
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`cannot connect to ${endpoint}`));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  const listeners = new Set<(message: Message) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
    } else for (const listener of listeners) listener(message);
  };
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    within(
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      }),
      30_000,
      `chromium to answer ${method}`,
    );
  const nextEvent = (method: string, sessionId: string) =>
    new Promise<void>((resolve) => {
      const listener = (message: Message) => {
        if (message.method === method && message.sessionId === sessionId) {
          listeners.delete(listener);
          resolve();
        }
      };
      listeners.add(listener);
    });

  return {
    async newPage(): Promise<Page> {
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true }) as {
        sessionId: string;
      };
      await send("Page.enable", {}, sessionId);
      await send("Runtime.enable", {}, sessionId);
      return {
        async goto(url) {
          const loaded = nextEvent("Page.loadEventFired", sessionId);
          const result = await send("Page.navigate", { url }, sessionId);
          if (result.errorText) throw new Error(`cannot load ${url}: ${result.errorText}`);
          await within(loaded, 30_000, `the load of ${url}`);
        },
        async evaluate<T>(expression: string): Promise<T> {
          const result = await send("Runtime.evaluate", {
            expression,
            returnByValue: true,
            awaitPromise: true,
          }, sessionId);
          if (result.exceptionDetails) {
            throw new Error(`page script failed: ${JSON.stringify(result.exceptionDetails)}`);
          }
          return (result.result as { value: T }).value;
        },
        async setViewport(width, height) {
          await send("Emulation.setDeviceMetricsOverride", {
            width,
            height,
            deviceScaleFactor: 1,
            mobile: false,
          }, sessionId);
        },
        async setColorScheme(scheme) {
          await send("Emulation.setEmulatedMedia", {
            features: [{ name: "prefers-color-scheme", value: scheme }],
          }, sessionId);
        },
        async screenshot(fullPage = false) {
          const params: Record<string, unknown> = { format: "png" };
          if (fullPage) {
            const metrics = await send("Page.getLayoutMetrics", {}, sessionId);
            const size = metrics.cssContentSize as { width: number; height: number };
            params.clip = { x: 0, y: 0, width: size.width, height: size.height, scale: 1 };
            params.captureBeyondViewport = true;
          }
          const { data } = await send("Page.captureScreenshot", params, sessionId);
          return Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
        },
      };
    },
    async [Symbol.asyncDispose]() {
      await send("Browser.close").catch(() => {});
      const closed = new Promise<void>((resolve) => socket.onclose = () => resolve());
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await within(closed, 5000, "the DevTools socket to close").catch(() => {});
      await cleanup();
    },
  };
}
