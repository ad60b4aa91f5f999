/**
 * Where a gateway's CPU goes, split into what the deno binary's stripped symbols hide: kernel, native code of
 * the deno binary (Rust ops, tokio, V8's C++ runtime and GC), V8 builtins, JavaScript, regexps and libc, with
 * the builtins and JavaScript functions named. It samples the process with `perf record -e cpu-clock` (a
 * software clock: it works on VMs without hardware counters) while a load command runs, then looks up every
 * sample's address in V8's `code-creation` events (V8 remaps its builtins from the deno binary into its code
 * range, so their addresses are only known from that log) and in the process's memory map.
 *
 * Start the gateway with V8's code log (`bench/anchors_cao.sh` passes `CAO_BENCH_V8_FLAGS` on):
 *
 *   CAO_BENCH_V8_FLAGS=--log-code,--logfile=/tmp/v8.log,--no-logfile-per-isolate CAO_RUN=$PWD/bench/anchors_cao.sh …
 *   node bench/profile_split.mjs <gateway pid> /tmp/v8.log -- \
 *     node ../shared/bench/probe.mjs ttfb --url http://127.0.0.1:<port>/k/<key> --c 1 --n 3000
 *
 * Needs `perf` (Debian: linux-perf) and Node. Prints the categories and the top 30 names, as shares of all
 * samples of the process (and of its main thread). Never run by the tests.
 */

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";

const [pidArg, logPath, dashes, ...load] = process.argv.slice(2);
if (!pidArg || !logPath || dashes !== "--" || load.length === 0) {
  process.stderr.write("usage: node bench/profile_split.mjs <pid> <v8 log> -- <load command…>\n");
  process.exit(2);
}
const pid = Number(pidArg);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "profile-split-"));
const data = path.join(scratch, "perf.data");
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));

function waitExit(child) {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

/** The process's memory map, read before sampling (its code regions are mapped when V8 starts). */
let maps;
try {
  maps = fs.readFileSync(`/proc/${pid}/maps`, "utf8");
} catch (error) {
  process.stderr.write(
    `profile_split: cannot read /proc/${pid}/maps (${error.code}): is ${pid} a running process of yours?\n`,
  );
  process.exit(2);
}
const perf = spawn("perf", ["record", "-q", "-e", "cpu-clock", "-F", "4000", "-p", String(pid), "-o", data], {
  stdio: "inherit",
});
perf.on("error", () => {
  process.stderr.write("profile_split: perf is not installed here (Debian: apt-get install linux-perf)\n");
  process.exit(2);
});
await new Promise((resolve) => setTimeout(resolve, 300));
const loader = spawn(load[0], load.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
loader.on("error", (error) => {
  perf.kill("SIGINT");
  process.stderr.write(`profile_split: cannot run the load command ${load[0]} (${error.code})\n`);
  process.exit(2);
});
const loadCode = await waitExit(loader);
perf.kill("SIGINT");
await waitExit(perf);
if (loadCode !== 0) process.stderr.write(`profile_split: the load command exited with ${loadCode}\n`);

/** V8's code objects, sorted by address: [start, size, kind, name]. */
const code = [];
for (const line of fs.readFileSync(logPath, "utf8").split("\n")) {
  if (!line.startsWith("code-creation,")) continue;
  const fields = line.split(",");
  const start = Number.parseInt(fields[4], 16);
  const size = Number(fields[5]);
  // A function's entry ends with its SharedFunctionInfo's address and its tier (~ interpreted, ^ baseline,
  // + Maglev, * TurboFan): the tier is kept, the address dropped.
  let rest = fields.slice(6);
  if (rest.length >= 3 && /^[~^+*]'?$/.test(rest.at(-1)) && /^0x[0-9a-f]+$/.test(rest.at(-2))) {
    rest = [...rest.slice(0, -2), `[${rest.at(-1)}]`];
  }
  if (Number.isFinite(start) && Number.isFinite(size)) code.push([start, size, fields[1], rest.join(" ")]);
}
code.sort((a, b) => a[0] - b[0]);

/** Memory regions: [start, end, file or "anon"]. */
const regions = maps.split("\n").filter(Boolean).map((line) => {
  const parts = line.split(/\s+/);
  const [start, end] = parts[0].split("-").map((hex) => Number.parseInt(hex, 16));
  return [start, end, parts[5] || "anon"];
});

function codeAt(ip) {
  let lo = 0;
  let hi = code.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (code[mid][0] <= ip) lo = mid + 1;
    else hi = mid - 1;
  }
  const entry = code[hi];
  return entry && ip < entry[0] + entry[1] ? entry : null;
}

function categoryOf(ip, dso) {
  if (dso.includes("kernel")) return { category: "kernel", name: null };
  const entry = codeAt(ip);
  if (entry) {
    const category = entry[2] === "Builtin" || entry[2] === "BytecodeHandler" ? "V8 builtins" : entry[2];
    return { category, name: `${entry[2]}: ${entry[3]}` };
  }
  const region = regions.find(([start, end]) => start <= ip && ip < end);
  if (!region) return { category: "unknown", name: null };
  if (region[2].endsWith("/deno") || region[2].endsWith("/denort")) {
    return { category: "deno native (Rust, V8 C++, GC)", name: null };
  }
  return { category: path.basename(region[2]), name: null };
}

const script = spawnSync("perf", ["script", "-i", data, "-F", "tid,ip,dso"], {
  encoding: "utf8",
  maxBuffer: 1 << 30,
});
const all = new Map();
const main = new Map();
const names = new Map();
let total = 0;
let mainTotal = 0;
const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
for (const line of script.stdout.split("\n")) {
  const match = /^\s*(\d+)\s+([0-9a-f]+)\s+\((.*)\)/.exec(line);
  if (!match) continue;
  const { category, name } = categoryOf(Number.parseInt(match[2], 16), match[3]);
  total++;
  bump(all, category);
  if (Number(match[1]) === pid) {
    mainTotal++;
    bump(main, category);
  }
  if (name !== null) bump(names, name);
}
if (total === 0) {
  process.stderr.write("profile_split: no samples (is perf allowed here? kernel.perf_event_paranoid)\n");
  process.exit(1);
}
const share = (n, of) => `${(100 * n / of).toFixed(1).padStart(5)} %`;
const out = [`${total} samples, ${mainTotal} on the main thread`, "", "all threads | main thread | category"];
for (const [category, n] of [...all].sort((a, b) => b[1] - a[1])) {
  out.push(`${share(n, total)}     | ${share(main.get(category) ?? 0, mainTotal || 1)}     | ${category}`);
}
out.push("", "top names (all threads):");
for (const [name, n] of [...names].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  out.push(`${share(n, total)}  ${name}`);
}
process.stdout.write(out.join("\n") + "\n");
