import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compiler/compile.js';
import { interpret } from '../compiler/interpret.js';
import { encodeString } from '../grammar/strings.js';
import { decide } from '../index.js';
import { decideWith } from '../runtime/decide.js';
import { toRequest } from '../runtime/request.js';
import { EMPTY_STATE } from '../runtime/state.js';

const SEED = { seed: 20261122, numRuns: 200 };

const HOSTILE = [
  '"', '\\', "'", '`', '${', '}', '*/', '/*', '//', '\u2028', '\u2029', '\n', '\t', '\u0000',
  '"); globalThis.pwned = 1; ("', "'); globalThis.pwned = 1; ('", '`; globalThis.pwned = 1; `',
  '${globalThis.pwned = 1}', '</script>', '__proto__', 'constructor', 'prototype', '\uD83D\uDE00',
];
const hostileString = fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 3 })), { maxLength: 6 }).map((xs) => xs.join(''));
const hostileName = fc.constantFrom('__proto__', 'constructor', 'prototype', 'to_string', 'has_own_property', 'value_of', '__define_getter__');

function scheme(name: string, text: string): string {
  return `scheme ${name}
field ${name} one_of ${encodeString(text)}, "other"
field note string
route ${name} EUR
route b EUR
block ${name} when fields.note = ${encodeString(text)} and point = ${encodeString(text)}

service ${name} {
  when fields.${name} = ${encodeString(text)} {
    reject ${encodeString(text)}
  } else when last_error in [${encodeString(text)}] {
    optimal ${name}
  } else {
    optimal b, ${name}
  }
}
`;
}

describe('generated code treats source literals and names as data', () => {
  it('compiles hostile strings and names, decides like the interpreter, and runs nothing', () => {
    fc.assert(
      fc.property(hostileName, hostileString, fc.boolean(), (name, text, blocked) => {
        const result = compile(scheme(name, text));
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        const compiled = result.scheme!;
        const requests = [
          { amount: '10.00', currency: 'EUR', service: name, fields: { [name]: text }, point: text },
          { amount: '10.00', currency: 'EUR', service: name, fields: { [name]: 'other' }, last_error: text },
          { amount: '10.00', currency: 'EUR', service: name, fields: { [name]: 'other', note: text }, point: blocked ? text : 'x' },
        ];
        for (const request of requests) {
          const req = toRequest(request, compiled.fieldKinds);
          const fast = decideWith(compiled.program, req, EMPTY_STATE, { trace: false });
          const slow = decideWith(interpret(compiled.ast), req, EMPTY_STATE, { trace: true });
          expect({ ...fast, trace: [] }).toEqual({ ...slow, trace: [] });
        }
        const rejected = decide(compiled, requests[0]!, undefined, { trace: true });
        expect(rejected).toMatchObject({ status: 'failed', resolution: 'STRATEGY_RECEIVED_NO_ROUTES' });
        if (rejected.status === 'invalid') throw new Error('the request was refused');
        expect(rejected.trace.find((t) => t.step === 'reject')?.['reason']).toBe(text);
        expect(decide(compiled, requests[1]!, undefined)).toMatchObject({ status: 'routed', route: name });
        expect(decide(compiled, requests[2]!, undefined)).toMatchObject(blocked ? { status: 'blocked', block: name } : { status: 'routed', route: 'b' });
        expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
      }),
      SEED,
    );
  });
});
