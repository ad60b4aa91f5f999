/**
 * The shared harness's "per-event p95 @200 streams" split in two: the first events of every stream (the
 * ramp-up, while 200 requests arrive within one 40 ms interval) and the rest (the steady state, one event per
 * stream every 40 ms). Same load as `../shared/bench/probe.mjs hold` against the same `upstream.mjs`: 200
 * streams of `events` events 40 ms apart, started evenly over one interval, 8 KiB request bodies. Prints one
 * line per target. Run it with Node, as the harness is (Deno's `process.hrtime` has another origin than
 * the upstream's, so its delays would be wrong), one target at a time, interleaved:
 *
 *   TOK=$(node ../shared/bench/probe.mjs jwt acct_a) node bench/hold_split.mjs <base url> [events] [K] [pid]
 *
 * Delays are arrival here minus the upstream's send stamp, in ms; K (5) is the last event counted as
 * ramp-up. With the pid of the relaying process (its main thread's id is the pid: nginx's worker, the
 * gateway's deno), it also reports from Linux's /proc/<pid>/task/<pid>/schedstat what that thread did
 * meanwhile: its CPU time per event, and how long it waited, runnable, for a CPU (the run queue) over how
 * many wakeups. On a 2-core machine that shares its cores with the bench's own Node processes, that wait
 * (about 0.1 ms per wakeup for nginx and for the gateway alike) is most of an event's added delay, and it
 * changes from run to run. Never run by the tests.
 */

import http from "node:http";
import process from "node:process";
import { Buffer } from "node:buffer";
import fs from "node:fs";

const [base, eventsArg, kArg, pidArg] = process.argv.slice(2);
const events = Number(eventsArg ?? 100);
const rampUp = Number(kArg ?? 5);
const streams = 200;
const interval = 40;
const text = "lorem ipsum ".repeat(650);
const body = Buffer.from(
  `{"model":"gpt-5.5","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"${text}"}]}],"stream":true}`,
);
const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
/** [sequence number, delay in µs] of every event seen. */
const seen = [];
const STAMP = /"sequence_number":(\d+),"bench_t":"(\d+)"/g;

function stream(k) {
  return new Promise((resolve) => {
    const url = new URL(
      `${base.replace(/\/+$/, "")}/responses?events=${events}&bytes=200&interval=${interval}`,
    );
    const headers = {
      authorization: `Bearer ${process.env.TOK ?? ""}`,
      "content-type": "application/json",
      "content-length": String(body.length),
      "session-id": `hold-split-${k}`,
    };
    const request = http.request(url, { agent, method: "POST", headers }, (response) => {
      let tail = "";
      response.on("data", (chunk) => {
        const now = Number(process.hrtime.bigint());
        const text = tail + chunk.toString("latin1");
        const cut = text.lastIndexOf("\n\n");
        if (cut < 0) {
          tail = text;
          return;
        }
        tail = text.slice(cut + 2);
        for (const match of text.slice(0, cut).matchAll(STAMP)) {
          seen.push([Number(match[1]), (now - Number(match[2])) / 1000]);
        }
      });
      response.on("end", resolve);
      response.on("error", resolve);
    });
    request.on("error", resolve);
    request.end(body);
  });
}

/** [CPU ns, run-queue wait ns, wakeups] of the main thread of `pidArg` so far; null without a pid. */
const schedstat = () =>
  pidArg
    ? fs.readFileSync(`/proc/${pidArg}/task/${pidArg}/schedstat`, "utf8").trim().split(/\s+/).map(Number)
    : null;
const before = schedstat();
const started = [];
for (let k = 0; k < streams; k++) {
  started.push(new Promise((resolve) => setTimeout(resolve, (k * interval) / streams)).then(() => stream(k)));
}
await Promise.all(started);
const after = schedstat();
agent.destroy();

const ms = (values, q) => {
  const sorted = values.toSorted((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] / 1000).toFixed(3);
};
const all = seen.map(([, delay]) => delay);
const early = seen.filter(([n]) => n <= rampUp).map(([, delay]) => delay);
const later = seen.filter(([n]) => n > rampUp).map(([, delay]) => delay);
process.stdout.write(
  `${base} events=${all.length}/${streams * events} p95 all ${ms(all, 0.95)} | ramp-up (seq <= ${rampUp}) ` +
    `p50 ${ms(early, 0.5)} p95 ${ms(early, 0.95)} | after p50 ${ms(later, 0.5)} p95 ${ms(later, 0.95)} ` +
    `p99 ${ms(later, 0.99)}\n`,
);
if (before && after) {
  const [run, wait, wakeups] = after.map((v, i) => v - before[i]);
  process.stdout.write(
    `  pid ${pidArg} main thread: ${(run / 1000 / all.length).toFixed(1)} µs CPU per event; run queue ` +
      `${(wait / 1e6).toFixed(0)} ms over ${wakeups} wakeups (${
        (wait / 1000 / wakeups).toFixed(0)
      } µs each)\n`,
  );
}
