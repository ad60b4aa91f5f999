/**
 * @module
 * Redaction of anything that looks like a credential, applied to every message that may reach a terminal,
 * a log or a report. Pure string functions; no I/O.
 */

const PATTERNS: RegExp[] = [
  // JWTs (three base64url parts, the first starting with eyJ as JSON headers do, or any long dotted triple)
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  /\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{8,}\b/g,
  // OpenAI-style secret keys and refresh tokens
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\brt_[A-Za-z0-9_.-]{8,}/g,
  // Bearer values in headers or messages
  /\b(Bearer\s+)[^\s"',]+/gi,
  // JSON fields that hold tokens
  /("(?:access_token|refresh_token|id_token|OPENAI_API_KEY|api_key|token)"\s*:\s*")[^"]+(")/g,
];

/** Replaces every token-like substring of `text` with `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (_match, ...groups: unknown[]) => {
      const prefix = typeof groups[0] === "string" ? groups[0] : "";
      const suffix = typeof groups[1] === "string" && groups.length > 3 ? groups[1] : "";
      return `${prefix}[redacted]${suffix}`;
    });
  }
  return out;
}
