/**
 * @module
 * A small JSON Schema validator (the subset cao's documented schemas use: `type` (one or a list),
 * `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `minimum`), so that tests can
 * check machine output against its documented shape without a dependency. Test-only.
 */

/** A schema in the supported subset. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

/** Every way `value` breaks `schema`, as `path: problem` lines (empty when it conforms). */
export function validateJson(value: unknown, schema: JsonSchema, path = "$"): string[] {
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const allowed = [schema.type].flat();
    const actual = typeOf(value);
    const ok = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
    if (!ok) return [`${path}: expected ${allowed.join("|")}, got ${actual}`];
  }
  if (schema.enum && !schema.enum.some((option) => option === value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) {
    errors.push(`${path}: ${value} < ${schema.minimum}`);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(record, key)) errors.push(`${path}: missing "${key}"`);
    }
    for (const [key, item] of Object.entries(record)) {
      const sub = schema.properties?.[key];
      if (sub) errors.push(...validateJson(item, sub, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected "${key}"`);
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => errors.push(...validateJson(item, schema.items!, `${path}[${i}]`)));
  }
  return errors;
}

/** A closed object schema whose every listed property is required. */
export function closedObject(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: "object", properties, required: Object.keys(properties), additionalProperties: false };
}
