// The quick fixes: a diagnostic's replacement, and the fixes for the fail-closed warnings; applied
// to the source, the diagnostic is gone and nothing else in the check changes.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../compiler/check.js';
import { diagnosticToJSON } from '../grammar/diagnostics.js';
import { quickFix, type TextEdit } from '../language/quick-fixes.js';

const src = (...lines: string[]) => `${lines.join('\n')}\n`;

function apply(source: string, edit: TextEdit): string {
  const offset = (line: number, column: number) => source.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0) + column - 1;
  return source.slice(0, offset(edit.line, edit.column)) + edit.text + source.slice(offset(edit.endLine, edit.endColumn));
}

/** Applies the fix of the first `code` diagnostic and returns its title, the new source and its codes. */
function fixFirst(source: string, code: string): { title: string; fixed: string; codes: string[] } {
  const d = checkSource(source).diagnostics.map(diagnosticToJSON).find((x) => x.code === code);
  if (!d) throw new Error(`no ${code} in\n${source}`);
  const fix = quickFix(source, d);
  if (!fix) throw new Error(`no fix for ${code}`);
  const fixed = apply(source, fix.edit);
  return { title: fix.title, fixed, codes: checkSource(fixed).diagnostics.map((x) => x.code) };
}

describe('quick fixes', () => {
  it.each([
    ['a block on country, no require line', src('scheme x', 'mode test', 'block b when country = KP'), 'Add `require country`', src('scheme x', 'mode test', 'require country', 'block b when country = KP')],
    ['a block on hour, with a require line', src('scheme x', 'require country', 'block b when hour < 6 and country = KP'), 'Add `require created_at`', src('scheme x', 'require country, created_at', 'block b when hour < 6 and country = KP')],
    ['a block on an optional field', src('scheme x', 'field kyc int # level', 'block b when fields.kyc < 2'), 'Make field kyc required', src('scheme x', 'field kyc int required # level', 'block b when fields.kyc < 2')],
  ])('W_BLOCK_OPTIONAL: %s', (_, source, title, expected) => {
    const r = fixFirst(source, 'W_BLOCK_OPTIONAL');
    expect(r.title).toBe(title);
    expect(r.fixed).toBe(expected);
    expect(r.codes).not.toContain('W_BLOCK_OPTIONAL');
  });

  it('W_BASE_DEFAULT: adds base in the route’s currency after the settings', () => {
    const source = src('scheme x', 'attempts 1', 'route g GBP', 'service s {', '  optimal g', '}');
    const r = fixFirst(source, 'W_BASE_DEFAULT');
    expect(r.title).toBe('Add `base GBP`');
    expect(r.fixed).toBe(src('scheme x', 'attempts 1', 'base GBP', 'route g GBP', 'service s {', '  optimal g', '}'));
    expect(r.codes).toEqual([]);
  });

  it.each([
    ['E_UNKNOWN_ROUTE', src('scheme x', 'route acme_eur EUR', 'service s {', '  optimal acme_eru', '}'), 'Change to acme_eur', 'optimal acme_eur'],
    ['E_UNKNOWN_FIELD', src('scheme x', 'field kyc_level int required', 'block b when fields.kyc_levl > 1'), 'Change to fields.kyc_level', 'when fields.kyc_level > 1'],
    ['E_UNKNOWN_ATTRIBUTE', src('scheme x', 'field kyc_level int required', 'block b when kyc_level > 1'), 'Change to fields.kyc_level', 'when fields.kyc_level > 1'],
    ['E_UNKNOWN_ATTRIBUTE', src('scheme x', 'require country', 'block b when countyr = KP'), 'Change to country', 'when country = KP'],
    ['E_UNKNOWN_VALUE', src('scheme x', 'field seg one_of "retail", "vip" required', 'block b when fields.seg = "vpi"'), 'Change to "vip"', 'fields.seg = "vip"'],
    ['E_INVALID_CURRENCY', src('scheme x', 'route b EUX', 'service s {', '  optimal b', '}'), 'Change to EUR', 'route b EUR'],
    ['E_INVALID_COUNTRY', src('scheme x', 'require country', 'block b when country = UK'), 'Change to GB', 'country = GB'],
    ['E_TYPE_MISMATCH', src('scheme x', 'require country', 'block b when country = "DE"'), 'Change to DE', 'country = DE'],
  ])('%s: the replacement the message suggests', (code, source, title, line) => {
    const r = fixFirst(source, code);
    expect(r.title).toBe(title);
    expect(r.fixed).toContain(line);
    expect(r.codes).not.toContain(code);
  });

  it('offers nothing for other diagnostics', () => {
    const source = src('scheme x', 'route a EUR min 500 max 100', 'service s {', '  optimal a', '}');
    const d = checkSource(source).diagnostics.map(diagnosticToJSON);
    expect(d.map((x) => x.code)).toEqual(['W_MIN_ABOVE_MAX']);
    expect(quickFix(source, d[0]!)).toBeUndefined();
  });
});
