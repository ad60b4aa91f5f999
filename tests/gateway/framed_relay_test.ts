/**
 * Journey of a streamed answer through the real gateway to a chunked client: once the first events are read,
 * the upstream's own chunks go on as they came (`body_decoder.ts` `framed`), with no decoding and no new
 * framing. A raw TCP upstream writes its chunk sizes in upper-case hex, which cao's own framer never writes,
 * so the client's bytes tell which path they took; a raw TCP client reads them.
 */

import assert from "node:assert/strict";
import { okEvents } from "../support/mock_payloads.ts";
import { BodyDecoder } from "../../src/gateway/body_decoder.ts";
import { startHarness, TEST_KEY } from "./gateway_harness.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `event` as one chunk with its size in upper-case hex. */
const upperChunk = (event: string) =>
  `${encoder.encode(event).byteLength.toString(16).toUpperCase()}\r\n${event}\r\n`;

/** What `conn` sends until `enough` says so, or until it closes. */
async function readUntil(conn: Deno.Conn, enough: (text: string) => boolean): Promise<string> {
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  while (!enough(text)) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += decoder.decode(buffer.subarray(0, n));
  }
  return text;
}

/** A raw HTTP/1.1 upstream: every request gets `events` as chunks, one write each, a few ms apart. */
function rawUpstream(events: string[]): { url: string; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      (async () => {
        const bodyRead = (text: string) => {
          const end = text.indexOf("\r\n\r\n");
          if (end < 0) return false;
          const length = Number(/content-length: *(\d+)/i.exec(text)?.[1] ?? 0);
          return encoder.encode(text.slice(end + 4)).byteLength >= length;
        };
        if (!bodyRead(await readUntil(conn, bodyRead))) return;
        await conn.write(encoder.encode(
          "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        ));
        for (const event of events) {
          await conn.write(encoder.encode(upperChunk(event)));
          await sleep(3);
        }
        await conn.write(encoder.encode("0\r\n\r\n"));
      })().catch(() => {});
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    close: () => {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* closed */ }
      }
    },
  };
}

/** One POST over a raw socket; the answer's bytes up to the end of its chunked body. */
async function rawPost(gatewayUrl: string, path: string): Promise<string> {
  const { hostname, port } = new URL(gatewayUrl);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const body = JSON.stringify({ model: "m", input: [], stream: true });
  await conn.write(encoder.encode(
    `POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
      `accept: text/event-stream\r\nsession-id: framed-1\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
  ));
  const text = await readUntil(conn, (text) => text.endsWith("\r\n0\r\n\r\n"));
  conn.close();
  return text;
}

Deno.test("after the first events, a chunked client gets the upstream's own chunks as they came", async () => {
  const events = okEvents("framed relay ".repeat(40), "resp_framed", 12);
  const sizes = events.map((event) => encoder.encode(event).byteLength.toString(16).toUpperCase());
  assert.ok(
    sizes.slice(3).some((size) => /[A-F]/.test(size)),
    "some size has a hex letter to tell the paths apart",
  );
  const upstream = rawUpstream(events);
  await using h = await startHarness({ settings: { upstream: upstream.url } });
  try {
    const answer = await rawPost(h.gateway.url, `/k/${TEST_KEY}/responses`);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
    const decoded = new BodyDecoder({ kind: "chunked" }).decode(encoder.encode(body));
    assert.equal(decoder.decode(decoded.data!), events.join(""), "the same events, in order");
    assert.equal(decoded.done, true);
    // The events read before the relay began are framed by cao; every one after comes as the upstream sent it.
    const passed = events.slice(3).map(upperChunk);
    assert.ok(body.endsWith(passed.join("") + "0\r\n\r\n"), "the last events are the upstream's own chunks");
  } finally {
    upstream.close();
  }
});
