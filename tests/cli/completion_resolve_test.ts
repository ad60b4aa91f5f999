import assert from "node:assert/strict";
import { dataDirIn, formatCompletion, resolveCompletion } from "../../src/cli/completion_resolve.ts";
import { type CompletionNode, completionTree, valueKindOf } from "../../src/cli/completion_tree.ts";
import { loadFullProgram } from "../support/cli_program.ts";

const none = { kind: "none" } as const;

const TREE: CompletionNode = {
  names: ["cao"],
  description: "",
  arguments: [],
  variadic: false,
  options: [
    { flags: ["--data-dir"], description: "home", takes: "required", value: { kind: "files" } },
    { flags: ["--help", "-h"], description: "help", takes: "none", value: none },
  ],
  commands: [
    {
      names: ["run"],
      description: "run codex",
      arguments: [none],
      variadic: true,
      commands: [],
      options: [
        { flags: ["--account"], description: "pin", takes: "required", value: { kind: "accounts" } },
        { flags: ["--wait"], description: "wait", takes: "none", value: none },
      ],
    },
    {
      names: ["status"],
      description: "status",
      arguments: [],
      variadic: false,
      commands: [],
      options: [
        {
          flags: ["--report"],
          description: "report",
          takes: "optional",
          value: { kind: "choices", values: ["md", "json"] },
        },
        { flags: ["--json"], description: "json", takes: "none", value: none },
      ],
    },
    {
      names: ["rename"],
      description: "rename",
      arguments: [{ kind: "accounts" }, none],
      variadic: false,
      commands: [],
      options: [],
    },
    {
      names: ["list", "ls"],
      description: "list",
      arguments: [],
      variadic: false,
      commands: [],
      options: [],
    },
  ],
};

const accounts = () => ["work", "personal"];
const values = (words: string[]) => resolveCompletion(TREE, words, accounts).candidates.map((c) => c.value);

Deno.test("resolveCompletion() completes commands and aliases by prefix", () => {
  assert.deepEqual(values([""]), ["run", "status", "rename", "list", "ls"]);
  assert.deepEqual(values(["l"]), ["list", "ls"]);
  assert.deepEqual(values(["--data-dir", "/x", "st"]), ["status"]);
});

Deno.test("resolveCompletion() completes a command's flags, its own first", () => {
  assert.deepEqual(values(["run", "--"]), ["--account", "--wait", "--data-dir", "--help"]);
  assert.deepEqual(values(["run", "-"]), ["--account", "--wait", "--data-dir", "--help", "-h"]);
  assert.deepEqual(values(["status", ""]), ["--report", "--json", "--data-dir", "--help"]);
});

Deno.test("resolveCompletion() completes option values: accounts, choices, inline =, optional values", () => {
  assert.deepEqual(values(["run", "--account", ""]), ["work", "personal"]);
  assert.deepEqual(values(["run", "--account", "p"]), ["personal"]);
  assert.deepEqual(values(["status", "--report", ""]), ["md", "json"]);
  assert.deepEqual(values(["status", "--report", "-"]), ["--report", "--json", "--data-dir", "--help", "-h"]);
  assert.deepEqual(values(["status", "--report=j"]), ["--report=json"]);
  assert.deepEqual(values(["status", "--json=x"]), []);
  // An optional value does not take a word that starts with "-"; a required one takes any word.
  assert.deepEqual(values(["status", "--report", "--json", "--"]), [
    "--report",
    "--json",
    "--data-dir",
    "--help",
  ]);
  assert.deepEqual(values(["run", "--account", "--wait", "x", ""]), []);
});

Deno.test("resolveCompletion() completes positionals in order and hands files to the shell", () => {
  assert.deepEqual(values(["rename", ""]), ["work", "personal"]);
  assert.deepEqual(values(["rename", "work", ""]), []);
  assert.deepEqual(resolveCompletion(TREE, ["--data-dir", ""], accounts), {
    candidates: [],
    fallback: "files",
  });
  assert.deepEqual(resolveCompletion(TREE, ["--data-dir=/t"], accounts), {
    candidates: [],
    fallback: "files",
  });
  assert.deepEqual(resolveCompletion(TREE, ["run", "--", "--acc"], accounts), {
    candidates: [],
    fallback: "files",
  });
});

Deno.test("resolveCompletion() asks for account names only when they are wanted", () => {
  let asked = 0;
  resolveCompletion(TREE, ["status", "--"], () => (asked++, []));
  resolveCompletion(TREE, [""], () => (asked++, []));
  assert.equal(asked, 0);
});

Deno.test("dataDirIn() finds the home the words name, never the word under the cursor", () => {
  assert.equal(dataDirIn(["--data-dir", "/a", "use", ""]), "/a");
  assert.equal(dataDirIn(["--data-dir=/b", "use", ""]), "/b");
  assert.equal(dataDirIn(["--data-dir", "/a"]), undefined);
  assert.equal(dataDirIn(["--data-dir=/b"]), undefined);
  assert.equal(dataDirIn(["run", "--", "--data-dir", "/c", ""]), undefined);
});

Deno.test("formatCompletion() writes value<TAB>description lines and the directive", () => {
  assert.equal(
    formatCompletion({ candidates: [{ value: "md", description: "two\nlines" }], fallback: "none" }),
    "md\ttwo lines\n:4\n",
  );
  assert.equal(formatCompletion({ candidates: [], fallback: "files" }), ":0\n");
  assert.equal(formatCompletion({ candidates: [], fallback: "dirs" }), ":16\n");
});

Deno.test("valueKindOf() reads a value's kind off its placeholder or choices", () => {
  assert.deepEqual(valueKindOf("name"), { kind: "accounts" });
  assert.deepEqual(valueKindOf("old"), { kind: "accounts" });
  assert.deepEqual(valueKindOf("path"), { kind: "files" });
  assert.deepEqual(valueKindOf("dir"), { kind: "dirs" });
  assert.deepEqual(valueKindOf("codex-args..."), { kind: "none" });
  assert.deepEqual(valueKindOf("format", ["md", "json"]), { kind: "choices", values: ["md", "json"] });
});

Deno.test("every command of the command table completes, with every option it shows in --help", async () => {
  const program = await loadFullProgram();
  const tree = completionTree(program);
  const offered = new Set(resolveCompletion(tree, [""], accounts).candidates.map((c) => c.value));
  for (const command of program.commands) {
    const name = command.name();
    if (name === "complete") {
      assert.ok(!offered.has(name), "the hidden callback is not offered");
      continue;
    }
    assert.ok(offered.has(name), `"cao ${name}" completes`);
    const flags = new Set(resolveCompletion(tree, [name, "--"], accounts).candidates.map((c) => c.value));
    for (const option of command.options) {
      const hidden = (option as unknown as { hidden: boolean }).hidden;
      if (option.long && !hidden) assert.ok(flags.has(option.long), `"cao ${name} ${option.long}" completes`);
    }
  }
  const accountValued = [["use", ""], ["switch", ""], ["remove", ""], ["rename", ""], ["reserve", ""], [
    "run",
    "--account",
    "",
  ]];
  for (const words of accountValued) {
    assert.deepEqual(
      resolveCompletion(tree, words, accounts).candidates.map((c) => c.value),
      accounts(),
      `${words}`,
    );
  }
  assert.deepEqual(
    resolveCompletion(tree, ["completions", ""], accounts).candidates.map((c) => c.value),
    ["bash", "zsh", "fish", "powershell"],
  );
});
