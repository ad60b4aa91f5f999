/**
 * The rest of a chunked stream driven by the relay itself (`pumpFramed`): the upstream's own framing goes
 * to the sink byte for byte, the last bytes say they are the last, the connection goes back to the pool
 * only once the sink has used its view, and each way it can end is told apart — completed, the upstream
 * failing, or the client's write failing (the upstream is then cancelled). The body over a real loopback
 * socket; the relay's end reasons over a scripted reader.
 */

import assert from "node:assert/strict";
import { Connection } from "../../src/gateway/http1_connection.ts";
import { type ChunkReader, directRelay, type RelayEnd } from "../../src/gateway/sse_relay.ts";
import { chunkedBody, loopbackPeer } from "../support/loopback_peer.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A body over a loopback peer that writes `pieces` one write each (1 ms apart every 8) and closes. */
async function bodyOver(pieces: Uint8Array[], closeEarly = false) {
  const { conn, done } = await loopbackPeer(pieces, { paced: true, lingerMs: closeEarly ? 0 : 20 });
  const connection = new Connection(conn, "test");
  return { connection, ...chunkedBody(connection), done };
}

/** `events` as a chunked body, cut into pieces that split sizes, CRLFs and payloads apart. */
function chunkedWire(events: string[]): { wire: Uint8Array; pieces: Uint8Array[] } {
  const wire = encoder.encode(
    events.map((event) => `${encoder.encode(event).byteLength.toString(16)}\r\n${event}\r\n`).join("") +
      "0\r\n\r\n",
  );
  const pieces: Uint8Array[] = [];
  for (let at = 0, step = 1; at < wire.byteLength; at += step, step = (step * 7 + 3) % 613 + 1) {
    pieces.push(wire.subarray(at, Math.min(wire.byteLength, at + step)));
  }
  return { wire, pieces };
}

Deno.test("pumpFramed() hands on the upstream's own framing byte for byte and marks the last bytes", async () => {
  const events = Array.from({ length: 300 }, (_, i) => `data: {"n":${i},"pad":"${"z".repeat(i % 89)}"}\n\n`);
  const { wire, pieces } = chunkedWire(events);
  const { connection, body, ends, done } = await bodyOver(pieces);
  const parts: string[] = [];
  const lasts: boolean[] = [];
  let waits = 0;
  let releasedBeforeLastWrite: boolean | null = null;
  await body.pumpFramed(() => waits++, async (bytes, last) => {
    if (last) releasedBeforeLastWrite = ends.length > 0;
    await new Promise((resolve) => setTimeout(resolve, 0)); // the write takes a turn of the event loop
    parts.push(decoder.decode(bytes)); // used before the promise settles, as a socket write does
    lasts.push(last);
  });
  await done;
  connection.close();
  assert.equal(
    parts.join("") + "0\r\n\r\n",
    decoder.decode(wire),
    "the framing as it came, then the last chunk",
  );
  assert.deepEqual(lasts.slice(0, -1).filter((last) => last), [], "only the final bytes are the last");
  assert.equal(lasts.at(-1), true);
  assert.equal(
    releasedBeforeLastWrite,
    false,
    "the connection stayed out of the pool while its view was used",
  );
  assert.deepEqual(ends, [true], "then it went back, reusable, once");
  assert.ok(waits >= parts.length, `a wait before every read (${waits} for ${parts.length} parts)`);
});

Deno.test("pumpFramed() rejects with the sink's error and leaves the body to be cancelled", async () => {
  const { pieces } = chunkedWire(["data: 1\n\n", "data: 2\n\n"]);
  const { connection, body, ends, done } = await bodyOver(pieces);
  const gone = new Error("client gone");
  await assert.rejects(body.pumpFramed(() => {}, () => Promise.reject(gone)), (error) => error === gone);
  assert.deepEqual(ends, [], "not ended by the pump");
  await body.cancel();
  assert.deepEqual(ends, [false], "cancelled: not reusable");
  await done;
  connection.close();
});

Deno.test("pumpFramed() rejects when the upstream closes in the middle of its answer", async () => {
  const { pieces } = chunkedWire(["data: 1\n\n"]);
  const { connection, body, ends, done } = await bodyOver(pieces.slice(0, -1), true); // no last chunk
  await assert.rejects(
    body.pumpFramed(() => {}, () => Promise.resolve()),
    /closed the connection in the middle/,
  );
  assert.deepEqual(ends, [false]);
  await done;
  connection.close();
});

/** A reader whose pump hands `parts` on (then fails with `fails`, when given); records its cancel. */
function scriptedReader(parts: string[], options: { fails?: Error; framed?: boolean; pump?: boolean } = {}) {
  const seen = { cancelled: false as boolean, waits: 0 };
  const reader: ChunkReader = {
    read: () => Promise.resolve(null),
    framedFromHere: () => options.framed ?? true,
    cancel: () => {
      seen.cancelled = true;
      return Promise.resolve();
    },
  };
  if (options.pump ?? true) {
    reader.pumpFramed = async (onWait, sink) => {
      for (const [i, part] of parts.entries()) {
        onWait();
        seen.waits++;
        await sink(encoder.encode(part), i === parts.length - 1 && !options.fails);
      }
      if (options.fails) throw options.fails;
    };
  }
  return { reader, seen };
}

function relayOver(reader: ChunkReader) {
  const ends: [RelayEnd, unknown][] = [];
  let chunks = 0;
  const relay = directRelay([], false, reader, {
    onChunk: () => chunks++,
    onEnd: (how, error) => ends.push([how, error]),
  });
  return { relay, ends, chunks: () => chunks };
}

Deno.test("a relay's pumpFramed() ends as completed, upstream-failed or client-gone, as it went", async () => {
  const done = scriptedReader(["a", "b", "c"]);
  const completed = relayOver(done.reader);
  const written: string[] = [];
  await completed.relay.pumpFramed((bytes, last) => {
    written.push(decoder.decode(bytes) + (last ? "|last" : ""));
    return Promise.resolve();
  });
  assert.deepEqual(written, ["a", "b", "c|last"]);
  assert.equal(completed.chunks(), 3, "onChunk per part");
  assert.deepEqual(completed.ends, [["completed", undefined]]);
  assert.equal(completed.relay.atEnd(), true);
  assert.equal(done.seen.cancelled, false);

  const broken = new Error("reset by peer");
  const failing = scriptedReader(["a"], { fails: broken });
  const upstream = relayOver(failing.reader);
  await assert.rejects(upstream.relay.pumpFramed(() => Promise.resolve())!, (error) => error === broken);
  assert.deepEqual(upstream.ends, [["upstream-failed", broken]]);

  const gone = new Error("broken pipe");
  const writeFails = scriptedReader(["a", "b"]);
  const client = relayOver(writeFails.reader);
  await assert.rejects(client.relay.pumpFramed(() => Promise.reject(gone))!, (error) => error === gone);
  assert.deepEqual(client.ends, [["client-gone", gone]]);
  assert.equal(writeFails.seen.cancelled, true, "the upstream is cancelled");
  assert.equal(writeFails.seen.waits, 1, "no read after the failed write");
});

Deno.test("a relay's pumpFramed() is null where the framing cannot be handed on from here", () => {
  assert.equal(
    relayOver(scriptedReader(["a"], { framed: false }).reader).relay.pumpFramed(Promise.resolve),
    null,
  );
  assert.equal(
    relayOver(scriptedReader(["a"], { pump: false }).reader).relay.pumpFramed(Promise.resolve),
    null,
  );
  const finished = directRelay([], true, scriptedReader(["a"]).reader, { onChunk() {}, onEnd() {} });
  assert.equal(finished.pumpFramed(() => Promise.resolve()), null, "a relay already at its end");
});
