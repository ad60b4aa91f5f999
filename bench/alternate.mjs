#!/usr/bin/env node
// Compares gateways request by request: one Codex-shaped streamed POST at a time, alternating between the
// targets (the order flips every round), and each target's CPU per request from /proc (user and system) and
// its time to first byte. A machine that drifts (steal time, frequency) slows every target alike, which
// back-to-back runs of the same build cannot promise: on a 2-core VM two runs of one build differed by up to
// 80 µs per request, alternating ones by less than 15. Read the ratio to the first target, never the µs alone.
//
//   node bench/alternate.mjs [--n 5000] [--warmup 300] NAME=URL,PID NAME=URL,PID ...
//
// URL is the base a Codex would be given (…/k/<proxy key> for cao; /responses is appended); PID is the
// process whose CPU is read (the gateway itself, not a wrapper script). Needs Linux (/proc). Never run by
// the tests; start the gateways and an upstream (../shared/bench/upstream.mjs) first.
import http from "node:http";
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

function fail(message) {
  process.stderr.write(`alternate: ${message}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: "string", default: "5000" }, warmup: { type: "string", default: "300" } },
});
const N = Number(values.n);
const WARMUP = Number(values.warmup);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(WARMUP) || WARMUP < 0) {
  fail("--n and --warmup take whole numbers");
}
if (positionals.length === 0) {
  fail("name at least one target as NAME=URL,PID (see the header of bench/alternate.mjs)");
}

const CLK_TCK = 100; // Linux's USER_HZ
function cpuTicks(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    fail(`cannot read /proc/${pid}/stat: is pid ${pid} running (and is this Linux)?`);
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]), sys: Number(fields[12]) };
}

const targets = positionals.map((spec) => {
  const match = /^([^=]+)=(https?:\/\/[^,]+),(\d+)$/.exec(spec);
  if (!match) fail(`"${spec}" is not NAME=URL,PID (e.g. cao=http://127.0.0.1:4318/k/KEY,12345)`);
  const [, name, base, pid] = match;
  cpuTicks(pid);
  return {
    name,
    url: `${base.replace(/\/$/, "")}/responses`,
    pid,
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    session: randomUUID(),
    ttfb: [],
    errors: 0,
  };
});

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const token = `${b64({ alg: "none" })}.${
  b64({ exp: 4e9, "https://api.openai.com/auth": { chatgpt_account_id: "acct_a" } })
}.`;
const bodyHead =
  '{"model":"gpt-5.5","instructions":"You are Codex.","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"';
const bodyTail = '"}]}],"stream":true}';
const body = Buffer.from(
  bodyHead + "lorem ipsum dolor sit amet ".repeat(310).slice(0, 8192 - bodyHead.length - bodyTail.length) +
    bodyTail,
);

function once(target) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const request = http.request(target.url, {
      agent: target.agent,
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "chatgpt-account-id": "acct_a",
        originator: "codex_exec",
        "user-agent": "codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.0)",
        version: "0.169.0",
        accept: "text/event-stream",
        "content-type": "application/json",
        "content-length": body.length,
        "session-id": target.session,
        "x-client-request-id": randomUUID(),
      },
    }, (response) => {
      let first = true;
      response.on("data", () => {
        if (!first) return;
        first = false;
        target.ttfb.push(Number(process.hrtime.bigint() - started) / 1e6);
      });
      response.on("end", () => {
        if (response.statusCode !== 200) target.errors++;
        resolve();
      });
      response.on("error", () => (target.errors++, resolve()));
    });
    request.on("error", () => (target.errors++, resolve()));
    request.end(body);
  });
}

for (let i = 0; i < WARMUP; i++) for (const target of targets) await once(target);
for (const target of targets) {
  target.ttfb = [];
  target.errors = 0;
  target.before = cpuTicks(target.pid);
}
const reversed = [...targets].reverse();
for (let i = 0; i < N; i++) for (const target of i % 2 ? targets : reversed) await once(target);

const rows = targets.map((target) => {
  const after = cpuTicks(target.pid);
  const perRequest = (ticks) => (ticks / CLK_TCK) * 1e6 / N;
  const user = perRequest(after.user - target.before.user);
  const sys = perRequest(after.sys - target.before.sys);
  const sorted = target.ttfb.sort((a, b) => a - b);
  return {
    name: target.name,
    user,
    sys,
    total: user + sys,
    ttfb: sorted[sorted.length >> 1] ?? NaN,
    errors: target.errors,
  };
});
for (const row of rows) {
  if (row.errors === N) {
    fail(`every request to ${row.name} failed: check its URL (with its /k/<key>) and that it runs`);
  }
}
const base = rows[0];
process.stdout.write(
  `${N} requests per target, alternated; CPU µs per request from /proc (±${
    (1e6 / CLK_TCK / N).toFixed(1)
  } per tick)\n`,
);
for (const row of rows) {
  process.stdout.write(
    `${row.name.padEnd(12)} user ${row.user.toFixed(0).padStart(5)}  sys ${
      row.sys.toFixed(0).padStart(5)
    }  total ${row.total.toFixed(0).padStart(5)} (${(row.total / base.total).toFixed(3)}×)  ttfb p50 ${
      row.ttfb.toFixed(3)
    } ms (${(row.ttfb / base.ttfb).toFixed(3)}×)` +
      (row.errors ? `  ${row.errors} answers not 200` : "") + "\n",
  );
}
process.exit(0);
