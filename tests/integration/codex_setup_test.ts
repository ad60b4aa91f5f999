/**
 * The user's whole Codex setup applies in every account home, shown with the real Codex CLI against the
 * loopback mock, one kind of file at a time: global instructions (AGENTS.md, kept in step when edited),
 * profiles (`-p fast`), skills, custom agents, rules, `.env` and trusted hooks. Logins and history are not
 * shared.
 */

import assert from "node:assert/strict";
import { type MockUpstream, startMockUpstream } from "../support/mock_upstream.ts";
import { makeRunHome, mockArgs, type RunHome } from "../support/run_fixture.ts";
import { runCaoProcess } from "../support/run_cao.ts";

/** The hash Codex 0.169 gives the SessionStart hook `touch HOOK_RAN` (from `codex app-server` `hooks/list`). */
const HOOK_HASH = "sha256:aab791f64e45b1736daec47c3d1e536abc956baf37b2e353f132da73a2f63470";

async function caoExec(home: RunHome, mock: MockUpstream, codexArgs: string[]): Promise<void> {
  const args = [
    "run",
    "--account",
    "a",
    "--",
    ...mockArgs(mock.url),
    "exec",
    "--skip-git-repo-check",
    ...codexArgs,
  ];
  const r = await runCaoProcess(home, [...args, "hi"], { env: home.env, cwd: home.workdir });
  assert.equal(r.code, 0, r.stderr);
}

function lastBodyText(mock: MockUpstream): string {
  return JSON.stringify(mock.responsesRequests().at(-1)?.body ?? null);
}

function toolOutput(mock: MockUpstream): string {
  const body = mock.responsesRequests().at(-1)?.body as { input?: { type: string; output?: string }[] };
  return (body?.input ?? []).filter((i) => i.type === "function_call_output").map((i) => i.output).join("\n");
}

Deno.test("the user's Codex setup takes effect in an account home, with the real codex", async (t) => {
  await using mock = await startMockUpstream();
  await using home = await makeRunHome([{ name: "a", accountId: "acct_a" }], mock.url);
  const user = `${home.userHome}/.codex`;
  const account = `${home.caoHome}/a`;

  await t.step("AGENTS.md, and an edit to it, reach the request", async () => {
    await Deno.writeTextFile(`${user}/AGENTS.md`, "MARK_GLOBAL_INSTRUCTIONS\n");
    await caoExec(home, mock, []);
    assert.match(lastBodyText(mock), /MARK_GLOBAL_INSTRUCTIONS/);
    await Deno.writeTextFile(`${user}/AGENTS.md`, "MARK_EDITED_INSTRUCTIONS\n");
    await caoExec(home, mock, []);
    assert.match(lastBodyText(mock), /MARK_EDITED_INSTRUCTIONS/);
  });

  await t.step("a profile (-p fast) picks its model", async () => {
    await Deno.writeTextFile(
      `${user}/fast.config.toml`,
      'model = "gpt-5.5"\nmodel_reasoning_effort = "low"\n',
    );
    await caoExec(home, mock, ["-p", "fast"]);
    const body = mock.responsesRequests().at(-1)?.body as { model: string; reasoning: { effort: string } };
    assert.equal(body.model, "gpt-5.5");
    assert.equal(body.reasoning.effort, "low");
  });

  await t.step("skills and custom agents are offered to the model", async () => {
    await Deno.mkdir(`${user}/skills/probe-skill`, { recursive: true });
    await Deno.writeTextFile(
      `${user}/skills/probe-skill/SKILL.md`,
      "---\nname: probe-skill\ndescription: MARK_SKILL_DESCRIPTION\n---\nbody\n",
    );
    await Deno.mkdir(`${user}/agents`);
    await Deno.writeTextFile(
      `${user}/agents/prober.toml`,
      'name = "prober"\ndescription = "MARK_AGENT_ROLE"\ndeveloper_instructions = "probe"\n',
    );
    await caoExec(home, mock, []);
    assert.match(lastBodyText(mock), /MARK_SKILL_DESCRIPTION/);
    assert.match(lastBodyText(mock), /MARK_AGENT_ROLE/);
  });

  await t.step("rules forbid a command; .env reaches the commands", async () => {
    await Deno.mkdir(`${user}/rules`);
    await Deno.writeTextFile(
      `${user}/rules/default.rules`,
      'prefix_rule(pattern=["echo", "MARK_RULE"], decision="forbidden")\n',
    );
    await Deno.writeTextFile(`${user}/.env`, "CAO_SETUP_ENV=MARK_DOTENV\n");
    const model = ["-m", "gpt-5.5", "-s", "danger-full-access"];
    mock.setResponses("*", {
      kind: "function_call",
      name: "exec_command",
      arguments: { cmd: "echo MARK_RULE" },
    }, "ok");
    await caoExec(home, mock, model);
    assert.match(toolOutput(mock), /Rejected/);
    mock.setResponses(
      "*",
      { kind: "function_call", name: "exec_command", arguments: { cmd: "echo env=$CAO_SETUP_ENV" } },
      "ok",
    );
    await caoExec(home, mock, model);
    assert.match(toolOutput(mock), /env=MARK_DOTENV/);
    mock.setResponses("*", "ok");
  });

  await t.step("a hook the user trusted in ~/.codex runs in the account home", async () => {
    await Deno.writeTextFile(
      `${user}/hooks.json`,
      JSON.stringify({
        hooks: { SessionStart: [{ hooks: [{ type: "command", command: "touch HOOK_RAN" }] }] },
      }),
    );
    const config = await Deno.readTextFile(`${user}/config.toml`);
    await Deno.writeTextFile(
      `${user}/config.toml`,
      `${config}\n[hooks.state."${user}/hooks.json:session_start:0:0"]\ntrusted_hash = "${HOOK_HASH}"\n`,
    );
    await caoExec(home, mock, []);
    await Deno.stat(`${home.workdir}/HOOK_RAN`);
  });

  await t.step("TUI-only folders are linked; logins and history are not", async () => {
    for (const dir of ["prompts", "themes"]) await Deno.mkdir(`${user}/${dir}`);
    await Deno.writeTextFile(`${user}/history.jsonl`, "{}\n");
    await caoExec(home, mock, []);
    for (const dir of ["prompts", "themes", "rules", "agents"]) {
      assert.equal(await Deno.readLink(`${account}/${dir}`), `${user}/${dir}`);
    }
    assert.equal(await Deno.readLink(`${account}/skills/probe-skill`), `${user}/skills/probe-skill`);
    for (const own of ["auth.json", "config.toml", "fast.config.toml"]) {
      assert.equal((await Deno.lstat(`${account}/${own}`)).isSymlink, false, own);
    }
    await assert.rejects(Deno.lstat(`${account}/history.jsonl`));
    await Deno.remove(`${user}/AGENTS.md`);
    await caoExec(home, mock, []);
    await assert.rejects(Deno.lstat(`${account}/AGENTS.md`), "a link whose target went is removed");
  });
});
