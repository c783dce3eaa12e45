/**
 * A JSON Schema validator for the subset our schemas use (docs/status.schema.v1.json): type,
 * const, required, properties, additionalProperties: false, items, oneOf, minimum, pattern,
 * local $ref. Returns the problems found, empty when valid; an unknown keyword is a problem too,
 * so a schema cannot silently outgrow this validator.
 */
type Schema = Record<string, unknown>;
const KNOWN = new Set(["$schema", "$id", "title", "description", "format", "$defs", "type", "const", "required", "properties", "additionalProperties", "items", "oneOf", "minimum", "pattern", "$ref"]);

export function validate(root: Schema, value: unknown): string[] {
  const problems: string[] = [];
  check(root, root, value, "$", problems);
  return problems;
}

function check(root: Schema, schema: Schema, v: unknown, at: string, out: string[]): void {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) out.push(`${at}: schema keyword ${k} not supported`);
  if (typeof schema.$ref === "string") return check(root, resolve(root, schema.$ref), v, at, out);
  if ("const" in schema && v !== schema.const) out.push(`${at}: ${JSON.stringify(v)} is not ${JSON.stringify(schema.const)}`);
  if (schema.type !== undefined && !([schema.type].flat() as string[]).some((t) => isType(t, v))) out.push(`${at}: ${JSON.stringify(v)} is not ${JSON.stringify(schema.type)}`);
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validateAt(root, s, v, at).length === 0).length;
    if (passing !== 1) out.push(`${at}: matches ${passing} of oneOf`);
  }
  if (typeof schema.minimum === "number" && typeof v === "number" && v < schema.minimum) out.push(`${at}: ${v} < ${schema.minimum}`);
  if (typeof schema.pattern === "string" && typeof v === "string" && !new RegExp(schema.pattern, "u").test(v)) out.push(`${at}: ${JSON.stringify(v)} does not match ${schema.pattern}`);
  if (Array.isArray(v) && schema.items) v.forEach((item, i) => check(root, schema.items as Schema, item, `${at}[${i}]`, out));
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${at}: missing ${r}`);
    for (const [k, val] of Object.entries(obj)) {
      if (props[k]) check(root, props[k], val, `${at}.${k}`, out);
      else if (schema.additionalProperties === false) out.push(`${at}: unexpected ${k}`);
    }
  }
}

function validateAt(root: Schema, schema: Schema, v: unknown, at: string): string[] {
  const out: string[] = [];
  check(root, schema, v, at, out);
  return out;
}

function resolve(root: Schema, ref: string): Schema {
  const m = /^#\/\$defs\/(.+)$/.exec(ref);
  const found = m ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]!] : undefined;
  if (!found) throw new Error(`unresolvable $ref ${ref}`);
  return found;
}

function isType(t: string, v: unknown): boolean {
  switch (t) {
    case "null": return v === null;
    case "integer": return Number.isInteger(v);
    case "number": return typeof v === "number" && Number.isFinite(v);
    case "array": return Array.isArray(v);
    case "object": return typeof v === "object" && v !== null && !Array.isArray(v);
    default: return typeof v === t;
  }
}
