// The request's JSON Schema, derived from the request's standard properties
// (runtime/attributes.ts) and the scheme's `field` lines, compiled once with ajv. An invalid
// request is never routed.
import { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import type { Options } from 'ajv';
import type * as A from '../grammar/ast.js';
import { FIELD_SCHEMAS, REQUEST_PROPERTIES, REQUIRABLE, type JsonSchema } from '../runtime/attributes.js';
import { REQUEST_FORMATS, requestReaderOf, type RequestReader } from '../runtime/validation.js';

export type { RequestReader, RequestValidator, ValidationError } from '../runtime/validation.js';

export type { JsonSchema };

/** The ajv options of the request validator, in process and in `sluice build`'s modules. */
const AJV_OPTIONS: Options = { allErrors: true, strict: true, ownProperties: true };

/** An ajv instance set up for request schemas (`code`: how to emit standalone source). */
export function requestAjv(code?: Options['code']): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  for (const [name, format] of Object.entries(REQUEST_FORMATS)) ajv.addFormat(name, format);
  return ajv;
}

const ajv = requestAjv();

function fieldSchema(f: A.FieldStmt): JsonSchema {
  return f.type === 'one_of' ? { type: 'string', enum: [...new Set(f.values.map((v) => v.value))] } : FIELD_SCHEMAS[f.type];
}

/** The request properties the scheme's `require` lines name that `require` may name (the checker reports the others). */
export function requiredAttributes(file: A.SchemeFile): ReadonlySet<string> {
  const named = file.statements.flatMap((s) => (s.kind === 'RequireStmt' ? s.attributes.map((a) => a.name) : []));
  return new Set(named.filter((name) => REQUIRABLE.includes(name)));
}

export function requestSchema(file: A.SchemeFile): JsonSchema {
  const fields = file.statements.filter((s): s is A.FieldStmt => s.kind === 'FieldStmt');
  const required = [...new Set(fields.filter((f) => f.required).map((f) => f.name.name))];
  const properties = Object.fromEntries(fields.map((f) => [f.name.name, fieldSchema(f)]));
  const fieldsSchema = { type: 'object', properties, ...(required.length ? { required } : {}) };
  const standard = Object.entries(REQUEST_PROPERTIES);
  const demanded = requiredAttributes(file);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Sluice payout request',
    type: 'object',
    required: [...standard.filter(([name, p]) => p.required || demanded.has(name)).map(([name]) => name), ...(required.length ? ['fields'] : [])],
    properties: {
      ...Object.fromEntries(standard.map(([name, p]) => [name, p.schema])),
      fields: fieldsSchema,
    },
  };
}

// Readers by schema text, most recently used last: recompiling an edited scheme (every
// keystroke in the editor, every version saved) mostly keeps its fields, hence its schema.
const readers = new Map<string, RequestReader>();
const CACHED_READERS = 64;

export function requestReader(schema: JsonSchema): RequestReader {
  const key = JSON.stringify(schema);
  let reader = readers.get(key);
  if (reader) readers.delete(key);
  else {
    reader = requestReaderOf(ajv.compile(schema));
    // ajv keeps every schema it compiled, keyed by object: without this it grows per compile.
    ajv.removeSchema(schema);
    if (readers.size >= CACHED_READERS) readers.delete(readers.keys().next().value!);
  }
  readers.set(key, reader);
  return reader;
}
