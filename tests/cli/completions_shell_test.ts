/**
 * The completion scripts in the real shells: bash with nothing but bash (and again with the bash-completion
 * package loaded, when it is installed), zsh with compinit and without it (compctl), and fish (PowerShell is
 * in completions_powershell_test.ts). Each script is loaded twice, which must print nothing. `cao` on PATH is main.ts under Deno; the accounts come
 * from a temp cao home. .ci/run installs bash-completion, zsh and fish; a shell that is missing is skipped,
 * except on CI, where its test fails (tests/support/ci_tools.ts).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { onPath, requireTool, skipMissing } from "../support/ci_tools.ts";
import { MAIN_TS } from "../support/run_cao.ts";

const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

const unix = Deno.build.os !== "windows";
const BASH = unix ? await onPath("bash") : null;
const ZSH = unix ? await onPath("zsh") : null;
const FISH = unix ? await onPath("fish") : null;
/** bash-completion's library (Debian's path); the bash test runs with it too when it is installed. */
const BASH_COMPLETION = "/usr/share/bash-completion/bash_completion";
const HAS_BASH_COMPLETION = await Deno.stat(BASH_COMPLETION).then(() => true, () => false);

async function denoDir(): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" }).output();
  return JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
}

/** A temp dir with `cao` on PATH and a cao home holding three accounts (and a second home with one). */
interface Setup extends AsyncDisposable {
  dir: string;
  env: Record<string, string>;
}

async function registry(root: string, names: string[]): Promise<void> {
  await Deno.mkdir(root, { recursive: true });
  const accounts = names.map((name) => ({ name, addedAt: "2026-11-21T10:00:00.000Z" }));
  await Deno.writeTextFile(
    `${root}/registry.json`,
    JSON.stringify({ schemaVersion: 1, defaultAccount: names[0], accounts }),
  );
}

async function setUp(): Promise<Setup> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "cao-completions-" }));
  await Deno.mkdir(`${dir}/bin`);
  const permissions =
    "--allow-env --allow-read --allow-write --allow-run --allow-sys=homedir,osRelease,hostname";
  await Deno.writeTextFile(
    `${dir}/bin/cao`,
    `#!/bin/sh\nexec '${Deno.execPath()}' run --quiet --no-prompt --config '${CONFIG}' ${permissions} '${MAIN_TS}' "$@"\n`,
    { mode: 0o755 },
  );
  await registry(`${dir}/cao`, ["work", "personal", "old-account"]);
  await registry(`${dir}/other-home`, ["spare"]);
  return {
    dir,
    env: {
      PATH: `${dir}/bin:/usr/local/bin:/usr/bin:/bin`,
      HOME: dir,
      CAO_HOME: `${dir}/cao`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? await denoDir(),
      NO_COLOR: "1",
      TERM: "dumb",
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function runShell(
  setup: Setup,
  command: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, {
    args,
    cwd: setup.dir,
    env: setup.env,
    clearEnv: true,
    stdin: "null",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** `[words] -> candidates` for bash: the words as bash splits them (at "=" too), the last under the cursor. */
function bashCases(dir: string): [string[], string[]][] {
  return [
    [["rese"], ["reserve"]],
    [["reserve", ""], ["work", "personal", "old-account"]],
    [["use", "p"], ["personal"]],
    [["run", "--account", ""], ["work", "personal", "old-account"]],
    [["run", "--acc"], ["--account"]],
    [["report", "--format", ""], ["md", "json"]],
    [["report", "--format", "=", ""], ["md", "json"]],
    [["report", "--format", "=", "j"], ["json"]],
    [["status", "--report", ""], ["md", "json"]],
    [["completions", ""], ["bash", "zsh", "fish", "powershell"]],
    [["gateway", "st"], ["start", "status", "stop"]],
    [["--data-dir", `${dir}/other-home`, "use", ""], ["spare"]],
    [["--data-dir", "=", `${dir}/other-h`], [`${dir}/other-home`]],
    [["run", "--", "exec", "oth"], ["other-home"]],
  ];
}

Deno.test({
  name: "bash completes commands, flags, values and account names without bash-completion",
  ignore: !unix || skipMissing(BASH === null),
  async fn() {
    const bash = requireTool("bash", BASH);
    await using setup = await setUp();
    for (const withPackage of [false, true]) {
      if (withPackage && !HAS_BASH_COMPLETION) {
        // On CI .ci/run installs Debian's bash-completion, so there it must be found (macOS keeps it elsewhere).
        if (skipMissing(true) || Deno.build.os !== "linux") continue;
        requireTool("bash-completion", null);
      }
      const cases = bashCases(setup.dir);
      const script = [
        withPackage ? `source ${BASH_COMPLETION}` : "",
        "source <(cao completions bash)",
        "source <(cao completions bash)",
        'if type _get_comp_words_by_ref >/dev/null 2>&1; then echo "library loaded"; fi',
        't() { COMP_WORDS=(cao "$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=();',
        '  _cao_completions cao "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}";',
        '  printf "%s," "${COMPREPLY[@]}"; echo; }',
        ...cases.map(([words]) => `t ${words.map((w) => `'${w}'`).join(" ")}`),
      ].join("\n");
      const result = await runShell(setup, bash, ["--norc", "--noprofile", "-c", script]);
      assert.equal(result.stderr, "", "loading the script twice and completing print nothing on stderr");
      const lines = result.stdout.split("\n");
      if (withPackage) assert.equal(lines.shift(), "library loaded");
      cases.forEach(([words, expected], i) => {
        const got = lines[i].split(",").filter((v) => v !== "");
        assert.deepEqual(got, expected, `bash${withPackage ? " (with bash-completion)" : ""}: ${words}`);
      });
    }
  },
});

/**
 * A zsh driver: an interactive `zsh -f` in a pseudo-terminal (zpty) loads the script twice, then for each
 * line types it, presses Tab and prints the line zsh made of it.
 */
const ZSH_DRIVER = String.raw`
zmodload zsh/zpty || exit 3
mode=$1; shift
zpty z zsh -f -i
zpty -w z 'PS1="> "; bindkey -e; _dump() { print -rn -- $'"'"'\nBUFFER<'"'"'$BUFFER$'"'"'>\n'"'"'; BUFFER=""; }; zle -N _dump; bindkey "^O" _dump'
[[ $mode == compinit ]] && zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z 'source <(cao completions zsh) 2>&1; source <(cao completions zsh) 2>&1; print READY$((6*7))'
zpty -r z out '*READY42*' || exit 4
[[ $out == *READY42* && $out != *error* && $out != *command\ not\ found* ]] || { print -r -- "noise: $out"; exit 6; }
for line in "$@"; do
  zpty -w -n z "$line"$'\t'
  zpty -w -n z $'\C-o'
  zpty -r z out '*BUFFER<*>*' || exit 5
  out=${"${"}out##*BUFFER<}
  print -r -- "${"${"}out%%>*}"
done
zpty -d z
`;

/** Typed line → the line after Tab (each with exactly one candidate, so that zsh inserts it). */
function uniqueCases(dir: string): [string, string][] {
  return [
    ["cao rese", "cao reserve "],
    ["cao reserve pe", "cao reserve personal "],
    ["cao run --account o", "cao run --account old-account "],
    ["cao run --acc", "cao run --account "],
    ["cao report --format j", "cao report --format json "],
    ["cao status --report m", "cao status --report md "],
    ["cao completions fi", "cao completions fish "],
    ["cao gateway sto", "cao gateway stop "],
    [`cao --data-dir ${dir}/other-home use s`, `cao --data-dir ${dir}/other-home use spare `],
  ];
}

Deno.test({
  name: "zsh completes with compinit and without it",
  ignore: !unix || skipMissing(ZSH === null),
  async fn() {
    const zsh = requireTool("zsh", ZSH);
    await using setup = await setUp();
    const cases = uniqueCases(setup.dir);
    for (const mode of ["compinit", "compctl"]) {
      const args = ["-f", "-c", ZSH_DRIVER, "zsh", mode, ...cases.map(([line]) => line)];
      const result = await runShell(setup, zsh, args);
      assert.equal(result.code, 0, `zsh driver (${mode}): ${result.stdout}${result.stderr}`);
      assert.deepEqual(result.stdout.split("\n").slice(0, -1), cases.map(([, after]) => after), mode);
    }
  },
});

Deno.test({
  name: "fish completes commands, flags, values and account names",
  ignore: !unix || skipMissing(FISH === null),
  async fn() {
    const fish = requireTool("fish", FISH);
    await using setup = await setUp();
    const cases: [string, string[]][] = [
      ["cao rese", ["reserve"]],
      ["cao reserve ", ["old-account", "personal", "work"]],
      ["cao run --account ", ["old-account", "personal", "work"]],
      ["cao report --format=j", ["--format=json"]],
      ["cao status --report ", ["json", "md"]],
      ["cao completions ", ["bash", "fish", "powershell", "zsh"]],
      [`cao --data-dir ${setup.dir}/other-h`, [`${setup.dir}/other-home/`]],
      [`cao --data-dir ${setup.dir}/other-home use `, ["spare"]],
    ];
    const script = [
      "cao completions fish | source",
      "cao completions fish | source",
      ...cases.map(([line]) => `complete -C'${line}' | string replace -r '\\t.*' '' | string join ,`),
    ].join("\n");
    const result = await runShell(setup, fish, ["--no-config", "-c", script]);
    assert.equal(result.stderr, "");
    const lines = result.stdout.split("\n");
    cases.forEach(([line, expected], i) => {
      assert.deepEqual(lines[i].split(",").filter((v) => v !== "").sort(), expected, line);
    });
  },
});
