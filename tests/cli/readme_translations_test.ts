/**
 * The four translations of the README must keep up with the English one: the same sections, the same code
 * blocks (comments aside), the same bullets, and tables whose first column (the command, flag, variable or
 * field each row is about) is the same, row for row. Prose is not compared, only what a reader runs or looks up.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TRANSLATIONS = ["README.es.md", "README.ja.md", "README.ko.md", "README.zh.md"];

/** One `##`/`###` section: its level, its code lines, its number of bullets, its tables' first cells. */
export interface Section {
  level: number;
  code: string[];
  bullets: number;
  keys: string[];
}

/** The sections of a Markdown document, with what the translations must share. Pure. */
export function readmeOutline(markdown: string): Section[] {
  const sections: Section[] = [{ level: 1, code: [], bullets: 0, keys: [] }];
  let inCode = false;
  const lines = markdown.split("\n");
  lines.forEach((line, n) => {
    const section = sections[sections.length - 1];
    if (line.startsWith("```")) {
      inCode = !inCode;
      return;
    }
    if (inCode) {
      // A comment may be translated; the command before it may not.
      const command = line.replace(/(^|\s+)#.*$/, "").trimEnd();
      if (command.trim() !== "") section.code.push(command);
      return;
    }
    const heading = /^(#{2,3}) /.exec(line);
    if (heading) sections.push({ level: heading[1].length, code: [], bullets: 0, keys: [] });
    else if (/^[-*] /.test(line)) section.bullets++;
    else if (line.startsWith("|") && !/^\|\s*-/.test(line) && !/^\|\s*-/.test(lines[n + 1] ?? "")) {
      // A row (not the header, whose words are the language's) names what it is about in backticks, or is a
      // number; the words of a placeholder (`<account>`) are translated.
      const first = line.split("|")[1].trim();
      const named = [...first.matchAll(/`[^`]+`/g)].map((m) => m[0].replace(/<[^>]*>/g, "<>")).join(" ");
      section.keys.push(named !== "" ? named : first.split(" ")[0]);
    }
  });
  return sections;
}

Deno.test("readmeOutline() reads sections, code without comments, bullets and table keys", () => {
  const outline = readmeOutline(
    [
      "# t",
      "## A",
      "```sh",
      "cao list   # the accounts",
      "# a comment line",
      "```",
      "- one",
      "- two",
      "  - not counted (nested)",
      "| option | meaning |",
      "| --- | --- |",
      "| `--wait` | wait |",
      "| `lastError` (each with `Epoch`) | when |",
      "| `<account>/auth.json` | a login |",
      "| 2 | usage error |",
      "### B",
      "text",
    ].join("\n"),
  );
  assert.deepEqual(outline, [
    { level: 1, code: [], bullets: 0, keys: [] },
    {
      level: 2,
      code: ["cao list"],
      bullets: 2,
      keys: ["`--wait`", "`lastError` `Epoch`", "`<>/auth.json`", "2"],
    },
    { level: 3, code: [], bullets: 0, keys: [] },
  ]);
});

for (const name of TRANSLATIONS) {
  Deno.test(`${name} has every section, code block, bullet and table row of README.md`, async () => {
    const english = readmeOutline(await Deno.readTextFile(`${ROOT}README.md`));
    const translated = readmeOutline(await Deno.readTextFile(`${ROOT}${name}`));
    const headings = (await Deno.readTextFile(`${ROOT}README.md`)).split("\n").filter((l) =>
      /^#{2,3} /.test(l)
    );
    assert.deepEqual(
      translated.map((s) => s.level),
      english.map((s) => s.level),
      `${name} has the sections of README.md, in order`,
    );
    english.forEach((section, i) => {
      const where = `${name}, the section translating "${headings[i - 1] ?? "(title)"}"`;
      assert.deepEqual(translated[i].code, section.code, `${where}: its code blocks`);
      assert.equal(translated[i].bullets, section.bullets, `${where}: its number of bullets`);
      assert.deepEqual(translated[i].keys, section.keys, `${where}: its tables' rows`);
    });
  });
}
