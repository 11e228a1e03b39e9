// The request validator as source, with no `new Function` at run time: ajv's standalone code
// generation over the same schema, options and formats as the in-process validator.
// The code is wrapped in a function taking what it would `require` (ajv's small runtime
// helpers) and the formats, so it declares nothing at a module's top level.
import { _, Name } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { requestAjv, type JsonSchema } from './schema.js';

/** The names the wrapped code reads: `require(id)`, `formats[name]`. */
const REQUIRE = 'require';
const FORMATS = 'formats';

/**
 * A function expression `(require, formats) => check`, where `check` is the compiled schema
 * (runtime/validation.ts's SchemaCheck). Its source comes from ajv, never from the scheme's text
 * except as data ajv escapes itself.
 */
export function validatorSource(schema: JsonSchema): string {
  const ajv = requestAjv({ source: true, esm: false, formats: _`${new Name(FORMATS)}` });
  ajv.addSchema(schema, 'request');
  const code = standalone.default(ajv, { request: 'request' });
  return `(function (${REQUIRE}, ${FORMATS}) {\nconst exports = {};\n${code}\nreturn exports.request;\n})`;
}
