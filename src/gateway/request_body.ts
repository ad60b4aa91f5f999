/**
 * @module
 * Request bodies on an account move (CODEX_FACTS §6): reasoning and compaction items carry
 * `encrypted_content` minted by the account that produced them, which another account cannot decrypt. When a
 * conversation moves, those items are dropped (and any other `encrypted_content` field removed) before the
 * request is replayed. Codex sends the body zstd-compressed (§1.8): it is decoded only here, only when it must
 * change (`node:zlib` is loaded then, not before), and the rewritten body goes out as plain JSON. Everything
 * else is forwarded byte for byte.
 */

import { jsonObject } from "../shared/json_value.ts";

/** Item types whose whole content is account-bound ciphertext. */
const ENCRYPTED_ITEM_TYPES: ReadonlySet<string> = new Set(["reasoning", "compaction", "compaction_summary"]);

/** The outcome of {@link stripAccountBoundItems}. */
export interface StripResult {
  /** The new request document. */
  body: Record<string, unknown>;
  /** Items dropped. */
  droppedItems: number;
  /** `encrypted_content` fields removed from items that were kept. */
  strippedFields: number;
}

/** Drops encrypted reasoning/compaction items from `input` and strips other `encrypted_content`. Pure. */
export function stripAccountBoundItems(body: Record<string, unknown>): StripResult {
  if (!Array.isArray(body.input)) return { body, droppedItems: 0, strippedFields: 0 };
  let droppedItems = 0;
  let strippedFields = 0;
  const input: unknown[] = [];
  for (const item of body.input) {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      input.push(item);
      continue;
    }
    const entry = item as Record<string, unknown>;
    if (!("encrypted_content" in entry)) {
      input.push(entry);
      continue;
    }
    if (typeof entry.type === "string" && ENCRYPTED_ITEM_TYPES.has(entry.type)) {
      droppedItems++;
      continue;
    }
    const { encrypted_content: _dropped, ...rest } = entry;
    strippedFields++;
    input.push(rest);
  }
  return { body: { ...body, input }, droppedItems, strippedFields };
}

/** Decodes a request body by its `content-encoding` (identity or zstd); null for anything else. */
export async function decodeRequestBody(
  bytes: Uint8Array,
  contentEncoding: string | null,
): Promise<Uint8Array | null> {
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return bytes;
  if (encoding !== "zstd") return null;
  const { zstdDecompressSync } = await import("node:zlib");
  return new Uint8Array(zstdDecompressSync(bytes));
}

/** A rewritten body, ready to send (plain JSON, no content-encoding). */
export interface RewrittenBody {
  bytes: Uint8Array<ArrayBuffer>;
  droppedItems: number;
  strippedFields: number;
}

/**
 * The body to replay on another account: decoded, stripped, re-serialised. Null when it cannot be decoded or
 * is not a JSON object (it is then forwarded unchanged).
 */
export async function rewriteForAccountMove(
  bytes: Uint8Array,
  contentEncoding: string | null,
): Promise<RewrittenBody | null> {
  let decoded: Uint8Array | null;
  try {
    decoded = await decodeRequestBody(bytes, contentEncoding);
  } catch {
    return null;
  }
  if (decoded === null || decoded.byteLength === 0) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(decoded));
  } catch {
    return null;
  }
  const body = jsonObject(doc);
  if (body === null) return null;
  const result = stripAccountBoundItems(body);
  return {
    bytes: new TextEncoder().encode(JSON.stringify(result.body)),
    droppedItems: result.droppedItems,
    strippedFields: result.strippedFields,
  };
}
