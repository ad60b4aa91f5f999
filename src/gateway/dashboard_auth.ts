/**
 * @module
 * How the dashboard lets the user's browser in without the read key (`dashboard_key.ts`) ever being in a
 * URL, a command line or a cookie. Everything is an HMAC-SHA256 of the read key, each with its own label:
 *
 * - a **ticket** (`?t=<hex>` on the URL `cao dashboard` opens): an expiry ({@link TICKET_SECONDS}) and a
 *   random id, signed. A server takes each ticket once ({@link UsedTickets}), so one read from a process
 *   list (`xdg-open`'s command line) or the browser's history is worth nothing once the browser used it.
 * - a **session** (the cookie the ticket is exchanged for): its issue time and a random part, signed; valid
 *   for {@link SESSION_SECONDS}, on any server of the same cao home (the gateway's or `cao dashboard`'s).
 * - a **probe proof**: a server shows that it holds the read key by signing a nonce, so `cao dashboard`
 *   never sends anything to a port it has not recognised as its own.
 *
 * Tickets and sessions are hex (no `sk-`, no dots), so cao's redaction leaves a printed URL usable. Pure
 * apart from the random parts; no I/O.
 */

/** How long a ticket may wait to be used, seconds. */
export const TICKET_SECONDS = 10 * 60;

/** How long a session lasts, seconds. */
export const SESSION_SECONDS = 7 * 86400;

/** Clock skew tolerated between the processes of one machine, seconds. */
const SKEW_SECONDS = 300;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function cryptoKey(readKey: string): Promise<CryptoKey> {
  let key = keys.get(readKey);
  if (!key) {
    if (keys.size > 8) keys.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(readKey), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    keys.set(readKey, key);
  }
  return key;
}

async function sign(readKey: string, label: string, data: Uint8Array): Promise<Uint8Array> {
  const prefix = encoder.encode(`cao-dashboard-${label}\0`);
  const message = new Uint8Array(prefix.length + data.length);
  message.set(prefix);
  message.set(data, prefix.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", await cryptoKey(readKey), message));
}

/** Lower-case hex of bytes. Pure. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes of an even-length lower- or upper-case hex string, or null. Pure. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Compares bytes in time independent of where they differ. Pure. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function stamped(seconds: number, randomBytes: number): Uint8Array {
  const body = new Uint8Array(4 + randomBytes);
  new DataView(body.buffer).setUint32(0, Math.max(0, Math.floor(seconds)));
  crypto.getRandomValues(body.subarray(4));
  return body;
}

/** Signs `body` and returns hex(body ‖ first 16 bytes of the signature). */
async function seal(readKey: string, label: string, body: Uint8Array): Promise<string> {
  const mac = (await sign(readKey, label, body)).subarray(0, 16);
  const out = new Uint8Array(body.length + 16);
  out.set(body);
  out.set(mac, body.length);
  return toHex(out);
}

/** The body of a sealed value when its signature holds, else null. */
async function unseal(readKey: string, label: string, value: string, bodyLength: number) {
  const bytes = fromHex(value);
  if (bytes === null || bytes.length !== bodyLength + 16) return null;
  const body = bytes.subarray(0, bodyLength);
  const mac = (await sign(readKey, label, body)).subarray(0, 16);
  return sameBytes(mac, bytes.subarray(bodyLength)) ? body : null;
}

/** A ticket: the value for `?t=` and when it expires (epoch seconds). */
export interface Ticket {
  ticket: string;
  expiresAt: number;
}

/** A new one-time ticket, valid {@link TICKET_SECONDS} from `nowSeconds`. */
export async function mintTicket(readKey: string, nowSeconds: number): Promise<Ticket> {
  const expiresAt = Math.floor(nowSeconds) + TICKET_SECONDS;
  return { ticket: await seal(readKey, "ticket", stamped(expiresAt, 12)), expiresAt };
}

/** What a ticket is worth. */
export type TicketCheck =
  /** Signed and not expired: `id` names it for {@link UsedTickets}. */
  | { kind: "ok"; id: string; expiresAt: number }
  | { kind: "expired" }
  | { kind: "bad" };

/** Checks a ticket's signature and expiry (not whether it was used). */
export async function checkTicket(readKey: string, ticket: string, nowSeconds: number): Promise<TicketCheck> {
  const body = await unseal(readKey, "ticket", ticket, 16);
  if (body === null) return { kind: "bad" };
  const expiresAt = new DataView(body.buffer, body.byteOffset).getUint32(0);
  if (expiresAt < nowSeconds || expiresAt > nowSeconds + TICKET_SECONDS + SKEW_SECONDS) {
    return { kind: "expired" };
  }
  return { kind: "ok", id: toHex(body), expiresAt };
}

/** A new session value (the cookie), issued at `nowSeconds`. */
export async function mintSession(readKey: string, nowSeconds: number): Promise<string> {
  return await seal(readKey, "session", stamped(nowSeconds, 8));
}

/** Whether a session value is signed with this read key and still within {@link SESSION_SECONDS}. */
export async function checkSession(readKey: string, value: string, nowSeconds: number): Promise<boolean> {
  const body = await unseal(readKey, "session", value, 12);
  if (body === null) return false;
  const issued = new DataView(body.buffer, body.byteOffset).getUint32(0);
  return issued <= nowSeconds + SKEW_SECONDS && nowSeconds - issued < SESSION_SECONDS;
}

/** The proof a server gives that it holds the read key: its signature of `nonce`, hex. */
export async function probeProof(readKey: string, nonce: string): Promise<string> {
  return toHex(await sign(readKey, "probe", encoder.encode(nonce)));
}

/**
 * The session cookie's name, one per cao home (cookies are shared by every port of a host, so two homes'
 * dashboards on one machine must not overwrite each other's).
 */
export async function sessionCookieName(readKey: string): Promise<string> {
  return `cao_dashboard_${toHex((await sign(readKey, "cookie", new Uint8Array())).subarray(0, 6))}`;
}

/** The tickets a server has taken, each kept until it expires. */
export class UsedTickets {
  readonly #used = new Map<string, number>();

  /** Takes the ticket `id`: true the first time, false when it was taken before. */
  take(id: string, expiresAt: number, nowSeconds: number): boolean {
    for (const [known, until] of this.#used) if (until < nowSeconds) this.#used.delete(known);
    if (this.#used.has(id)) return false;
    this.#used.set(id, expiresAt);
    return true;
  }
}
