/**
 * @module
 * Checks the import direction of `src/`: `cli → status → {gateway, run} → codex → accounts → fs → shared`, with
 * `notify` a peer of run and gateway that both may emit into, `deps/` (the npm adapters) reachable from
 * anywhere, `run` and `gateway` never importing each other, and no import cycle between files; and that no
 * file of `src/` passes {@link MAX_LINES} lines. Finding the imports and judging them are pure (`importsOf`,
 * `importProblems`, `lengthProblem`); the entry point reads `src/` and
 * prints one line per problem, exiting 1 when there is any. Run it with
 * `deno run --allow-read scripts/import_direction.ts` (part of `deno task ok`).
 */

// deno-lint-ignore-file no-console -- a script: printing is its job

import { fileURLToPath } from "node:url";

/**
 * Each folder of `src/` and how far down the direction it stands: a file may import its own folder, any
 * folder of a lower rank, and `deps`. Files directly in `src/` (`version.ts`) count as `shared`.
 */
export const LAYER_RANKS: Readonly<Record<string, number>> = {
  cli: 7,
  status: 6,
  gateway: 5,
  run: 5,
  notify: 4,
  codex: 3,
  accounts: 2,
  fs: 1,
  shared: 0,
};

/** The most lines a file of `src/` may have (STYLE: one concern per file; split before this). */
export const MAX_LINES = 300;

/** Why a file of `lines` lines is too long, or null. Pure. */
export function lengthProblem(lines: number): string | null {
  return lines > MAX_LINES ? `${lines} lines, more than ${MAX_LINES}: split it by concern` : null;
}

/** The folder any layer may import. */
export const ANYWHERE = "deps";

/** The module specifiers a source file imports (static, re-exports, type-only and literal dynamic ones). Pure. */
export function importsOf(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** The layer of a path relative to `src/` (`gateway/proxy.ts` → `gateway`; `version.ts` → `shared`). Pure. */
export function layerOf(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? "shared" : path.slice(0, slash);
}

/** Resolves a relative specifier against the importing file (both relative to `src/`); null when outside. Pure. */
export function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

/** Why importing layer `to` from layer `from` breaks the direction, or null when it is allowed. Pure. */
export function directionProblem(from: string, to: string): string | null {
  if (from === to || to === ANYWHERE) return null;
  const a = LAYER_RANKS[from];
  const b = LAYER_RANKS[to];
  if (from === ANYWHERE) return `the ${ANYWHERE}/ adapters import npm packages, nothing of cao`;
  if (a === undefined) return `${from}/ is not a layer of the direction`;
  if (b === undefined) return `${to}/ is not a layer of the direction`;
  if (a === b) return `${from} and ${to} are peers and never import each other`;
  if (b > a) {
    return `${from} may not import ${to} (the direction is cli → status → {gateway, run} → codex → accounts → fs → shared)`;
  }
  return null;
}

/** The cycles of a file graph: its strongly connected components of two or more files (or a self-import). Pure. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** Why a file in `layer` may not import the package `specifier`, or null (relative paths are never packages). Pure. */
export function packageProblem(layer: string, specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("node:") || layer === ANYWHERE) return null;
  return `npm packages are used only through the ${ANYWHERE}/ adapters`;
}

/** Every problem of a graph of `src/` files (paths relative to `src/`, edges already resolved), sorted. Pure. */
export function importProblems(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of new Set(targets)) {
      const why = directionProblem(layerOf(from), layerOf(to));
      if (why !== null) problems.push(`src/${from} imports src/${to}: ${why}`);
    }
  }
  for (const cycle of importCycles(graph)) {
    problems.push(`import cycle of ${cycle.length} files: ${cycle.map((f) => `src/${f}`).join(", ")}`);
  }
  return problems.sort();
}

/** The `.ts` files below `dir`, relative to it, sorted. */
async function sourceFiles(dir: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(dir, `${path}/`));
    else if (entry.isFile && path.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

/** Reads every file of `src` and returns its problems: direction, packages outside `deps/`, cycles. */
export async function checkSourceTree(src: string): Promise<string[]> {
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of await sourceFiles(src)) {
    const edges: string[] = [];
    const source = await Deno.readTextFile(`${src}/${file}`);
    const tooLong = lengthProblem(source.split("\n").length - (source.endsWith("\n") ? 1 : 0));
    if (tooLong !== null) problems.push(`src/${file}: ${tooLong}`);
    for (const specifier of importsOf(source)) {
      const why = packageProblem(layerOf(file), specifier);
      if (why !== null) problems.push(`src/${file} imports "${specifier}": ${why}`);
      const target = resolveImport(file, specifier);
      if (target !== null) edges.push(target);
    }
    graph.set(file, edges);
  }
  return [...problems, ...importProblems(graph)];
}

if (import.meta.main) {
  const root = fileURLToPath(new URL("../src", import.meta.url));
  const problems = await checkSourceTree(Deno.args[0] ?? root);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) Deno.exit(1);
  console.log(`src/: the import direction holds, no import cycle remains, no file passes ${MAX_LINES} lines`);
}
