/**
 * @module
 * `deno task bench`: what the gateway costs, measured against a direct connection in the same run (medians
 * of interleaved rounds; read the differences, not the absolute values). The upstream (`bench_upstream.ts`)
 * and the gateway (`cao gateway start`, as users run it) are separate processes on 127.0.0.1; this process is
 * the client, and a bare Deno pass-through proxy (`bare_proxy.ts`) gives the floor. Figures: added time to
 * first byte (p50/p99, one request at a time), added per-event delay (p50/p95, 200 concurrent streams),
 * streams per second (32 connections, 50 events each) with the gateway's CPU per request, how soon the
 * gateway listens after it was spawned (with the V8 flags a detached gateway gets; on a two-account home, as
 * users have, and on the home of the other figures, whose 202 accounts (52 with `--quick`) its start reads),
 * the gateway's RSS idle and with 200 streams open, and the latency a failover adds beyond the unavoidable
 * extra upstream round trip. `--quick` runs fewer rounds.
 * Never run by the tests; nothing here is asserted.
 */

// deno-lint-ignore-file no-console -- a benchmark: printing its figures is its job

import { fileURLToPath } from "node:url";
import { openCaoHome } from "../src/accounts/cao_home.ts";
import { GATEWAY_ENV, gatewayRunArgs } from "../src/gateway/detached.ts";
import { writeAccount } from "../tests/gateway/gateway_harness.ts";

/** Where Deno keeps its cache for this user (`DENO_DIR`, else the platform default under the real home). */
function userDenoDir(): string {
  const given = Deno.env.get("DENO_DIR");
  if (given) return given;
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".";
  if (Deno.build.os === "darwin") return `${home}/Library/Caches/deno`;
  if (Deno.build.os === "windows") return `${Deno.env.get("LOCALAPPDATA") ?? home}/deno`;
  return `${Deno.env.get("XDG_CACHE_HOME") ?? `${home}/.cache`}/deno`;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const quick = Deno.args.includes("--quick");
const ROUNDS = quick ? 100 : 400;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (v: number) => `${v.toFixed(3)} ms`;

async function firstLine(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`process ended before printing ${pattern}: ${text}`);
    text += value;
    const match = pattern.exec(text);
    if (match) {
      reader.releaseLock();
      return match[1];
    }
  }
}

/** Reads a /proc file of another process (Deno grants that only with --allow-all, so through `cat`). */
function procFile(pid: number, name: string): string {
  try {
    const out = new Deno.Command("cat", { args: [`/proc/${pid}/${name}`], stdout: "piped", stderr: "null" })
      .outputSync();
    return new TextDecoder().decode(out.stdout);
  } catch {
    return "";
  }
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(procFile(pid, "status"))?.[1] ?? NaN) / 1024;
}

function cpuMs(pid: number): number {
  const fields = procFile(pid, "stat").split(") ")[1]?.split(" ");
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : NaN; // utime + stime, 10 ms ticks
}

interface Timing {
  ttfb: number;
  total: number;
  delays: number[];
}

async function stream(url: string, headers: Record<string, string>, delays = false): Promise<Timing> {
  const start = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      "session-id": crypto.randomUUID(),
      ...headers,
    },
    body: '{"model":"m","input":[],"stream":true}',
  });
  const reader = res.body!.getReader();
  let ttfb = NaN;
  const seen: number[] = [];
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Number.isNaN(ttfb)) ttfb = performance.now() - start;
    if (delays) {
      const at = now();
      for (const m of decoder.decode(value, { stream: true }).matchAll(/"t":([\d.]+)/g)) {
        seen.push(at - Number(m[1]));
      }
    }
  }
  return { ttfb, total: performance.now() - start, delays: seen };
}

/** How many starts on a two-account home give the "ready" figure. */
const READY_STARTS = quick ? 3 : 7;

/** Spawns `cao gateway start` as a detached gateway runs it; resolves once it says where it listens. */
async function spawnGateway(
  dataDir: string,
  upstream: string,
  home: string,
): Promise<{ proc: Deno.ChildProcess; url: string; readyMs: number }> {
  const spawnedAt = performance.now();
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      // As `cao gateway start --detach` and `cao run --gateway` run it.
      ...gatewayRunArgs(new URL("../main.ts", import.meta.url).href, "--allow-net=127.0.0.1,localhost"),
      "--data-dir",
      dataDir,
      "gateway",
      "start",
      "--port",
      "0",
      "--upstream",
      upstream,
    ],
    // The user's own Deno cache: with HOME moved, Deno would start from an empty one and the "ready"
    // figure would time a first-ever compile, not a gateway start.
    env: {
      ...GATEWAY_ENV,
      HOME: home,
      DENO_DIR: userDenoDir(),
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${upstream}/oauth/token`,
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const url = await firstLine(proc.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { proc, url, readyMs: performance.now() - spawnedAt };
}

async function main() {
  const tmp = await Deno.makeTempDir({ prefix: "cao-bench-" });
  const children: Deno.ChildProcess[] = [];
  try {
    const upstreamProc = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net=127.0.0.1", `${ROOT}/bench/bench_upstream.ts`],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    children.push(upstreamProc);
    const upstream = await firstLine(upstreamProc.stdout, /(http:\/\/127\.0\.0\.1:\d+)/);

    const home = openCaoHome(`${tmp}/cao`, () => new Date(), () => {});
    // Enough accounts for the failover rounds: round i limits the account preferred at that point (a<i>), so the
    // request moves to a<i+1> and no cooldown ever has to be cleared.
    const accounts = ROUNDS / 2 + 2;
    for (let i = 0; i < accounts; i++) await writeAccount(home, { name: `a${i}` });
    // Ready on a home as users have it (two accounts), a few starts; the big home's start is reported too.
    const small = openCaoHome(`${tmp}/cao-small`, () => new Date(), () => {});
    for (const name of ["a", "b"]) await writeAccount(small, { name });
    const smallReady: number[] = [];
    for (let i = 0; i < READY_STARTS; i++) {
      const started = await spawnGateway(`${tmp}/cao-small`, upstream, tmp);
      smallReady.push(started.readyMs);
      started.proc.kill("SIGTERM");
      await started.proc.status;
    }
    const { proc: gatewayProc, url: gatewayUrl, readyMs } = await spawnGateway(`${tmp}/cao`, upstream, tmp);
    children.push(gatewayProc);
    const bareProc = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net=127.0.0.1", `${ROOT}/bench/bare_proxy.ts`, upstream],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    children.push(bareProc);
    const bareUrl = await firstLine(bareProc.stdout, /(http:\/\/127\.0\.0\.1:\d+)/);
    const saved = JSON.parse(await Deno.readTextFile(`${tmp}/cao/gateway.json`));
    const key = (saved.proxyKey ?? saved.key) as string;
    const direct = `${upstream}/responses`;
    const auth = { authorization: "Bearer direct", "chatgpt-account-id": "acct_a0" };
    const targets = {
      direct: { url: direct, headers: auth },
      bare: { url: `${bareUrl}/responses`, headers: auth },
      gateway: { url: `${gatewayUrl}/k/${key}/responses`, headers: {} as Record<string, string> },
    };
    type Target = keyof typeof targets;
    const names = Object.keys(targets) as Target[];
    const pid = gatewayProc.pid;

    console.log(
      `cao gateway benchmark (${Deno.build.os}/${Deno.build.arch}, deno ${Deno.version.deno}, ${
        quick ? "quick" : "full"
      })`,
    );
    for (let i = 0; i < 200; i++) for (const t of names) await stream(targets[t].url, targets[t].headers);

    // 1. Time to first byte, one request at a time, interleaved.
    const ttfb = { direct: [] as number[], bare: [] as number[], gateway: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const t of names) ttfb[t].push((await stream(targets[t].url, targets[t].headers)).ttfb);
    }

    // 2. Per-event delay and memory with 200 streams open (60 events each, one every 50 ms: 4000 events/s).
    const idleRss = rssMiB(pid);
    const delays = { direct: [] as number[], bare: [] as number[], gateway: [] as number[] };
    let openRss = 0;
    for (let round = 0; round < (quick ? 1 : 2); round++) {
      for (const t of names) {
        const headers = { ...targets[t].headers, "x-bench-events": "60", "x-bench-interval-ms": "50" };
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            if (t === "gateway") openRss = Math.max(openRss, rssMiB(pid));
            await new Promise((r) => setTimeout(r, 200));
          }
        })();
        const results = await Promise.all(
          Array.from({ length: 200 }, () => stream(targets[t].url, headers, true)),
        );
        sampling = false;
        await sampler;
        for (const r of results) delays[t].push(...r.delays);
      }
    }

    // 3. Bulk streams per second, 32 connections, 50 events each; gateway CPU per request.
    const rate = { direct: [] as number[], bare: [] as number[], gateway: [] as number[] };
    let cpuPerRequest = NaN;
    for (let round = 0; round < 2; round++) {
      for (const t of names) {
        const seconds = quick ? 1.5 : 3;
        const deadline = performance.now() + seconds * 1000;
        let count = 0;
        const cpuBefore = cpuMs(pid);
        await Promise.all(Array.from({ length: 32 }, async () => {
          while (performance.now() < deadline) {
            await stream(targets[t].url, targets[t].headers);
            count++;
          }
        }));
        rate[t].push(count / seconds);
        if (t === "gateway") cpuPerRequest = ((cpuMs(pid) - cpuBefore) * 1000) / count;
      }
    }
    const idleAfter = rssMiB(pid);

    // 4. Failover: the preferred account answers 429, the next one streams. Baseline: the same two exchanges
    // made directly (the 429 round trip plus the next account's time to first byte).
    const failover = { gateway: [] as number[], direct429: [] as number[], directOk: [] as number[] };
    for (let i = 0; i < ROUNDS / 2; i++) {
      failover.gateway.push((await stream(targets.gateway.url, { "x-bench-limit": `acct_a${i}` })).ttfb);
      failover.direct429.push((await stream(direct, { ...auth, "x-bench-limit": "acct_a0" })).total);
      failover.directOk.push((await stream(direct, auth)).ttfb);
    }

    const added = (values: Record<Target, number[]>, p: number, t: Target) =>
      ms(pct(values[t], p) - pct(values.direct, p));
    const rows: string[][] = [
      [
        "time to first byte p50",
        ms(pct(ttfb.direct, 50)),
        added(ttfb, 50, "bare"),
        added(ttfb, 50, "gateway"),
      ],
      [
        "time to first byte p99",
        ms(pct(ttfb.direct, 99)),
        added(ttfb, 99, "bare"),
        added(ttfb, 99, "gateway"),
      ],
      [
        "per-event delay p50, 200 streams",
        ms(pct(delays.direct, 50)),
        added(delays, 50, "bare"),
        added(delays, 50, "gateway"),
      ],
      [
        "per-event delay p95, 200 streams",
        ms(pct(delays.direct, 95)),
        added(delays, 95, "bare"),
        added(delays, 95, "gateway"),
      ],
      [
        "streams/s (32 conns, 50 events)",
        pct(rate.direct, 50).toFixed(0),
        pct(rate.bare, 50).toFixed(0),
        pct(rate.gateway, 50).toFixed(0),
      ],
      ["gateway CPU per streamed request", "", "", `${cpuPerRequest.toFixed(0)} µs`],
      [
        `gateway ready after start (spawn → listening), 2 accounts (median of ${READY_STARTS})`,
        "",
        "",
        ms(pct(smallReady, 50)),
      ],
      [
        `gateway ready after start, ${accounts} accounts (the home of the figures above)`,
        "",
        "",
        ms(readyMs),
      ],
      [
        "gateway RSS idle / 200 streams / after",
        "",
        "",
        `${idleRss.toFixed(1)} / ${openRss.toFixed(1)} / ${idleAfter.toFixed(1)} MiB`,
      ],
      [
        "failover TTFB (429, then next account)",
        ms(pct(failover.direct429, 50) + pct(failover.directOk, 50)),
        "",
        `${ms(pct(failover.gateway, 50))} (+${
          ms(pct(failover.gateway, 50) - pct(failover.direct429, 50) - pct(failover.directOk, 50))
        }; beyond its usual +${ms(pct(ttfb.gateway, 50) - pct(ttfb.direct, 50))}: ${
          ms(pct(failover.gateway, 50) - pct(failover.direct429, 50) - pct(ttfb.gateway, 50))
        })`,
      ],
    ];
    const widths = [0, 1, 2, 3].map((i) =>
      Math.max(
        ...rows.map((r) => r[i].length),
        ["figure", "direct", "bare proxy (+)", "cao gateway (+)"][i].length,
      )
    );
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    console.log(line(["figure", "direct", "bare proxy (+)", "cao gateway (+)"]));
    for (const row of rows) console.log(line(row));
    console.log(
      `(${ROUNDS} interleaved rounds; (+) columns: added to direct; failover direct = the 429 round trip + the next ` +
        "account's TTFB; its (+) is what the gateway adds beyond both)",
    );
  } finally {
    for (const child of children) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await child.status;
    }
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

await main();
