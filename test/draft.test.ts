// The editor's draft beside the stored schemes (editor/console-model/draft.ts): a fresh draft's
// free name, and what saving under a name would do.
import { describe, expect, it } from 'vitest';
import { freeName, saveTarget } from '../editor/console-model/draft.js';

describe('freeName', () => {
  it.each([
    [[], 'untitled'],
    [['eu_payouts'], 'untitled'],
    [['untitled'], 'untitled_2'],
    [['untitled', 'untitled_2', 'untitled_4'], 'untitled_3'],
  ])('%j → %s', (taken, name) => {
    expect(freeName(taken)).toBe(name);
  });
});

describe('saveTarget', () => {
  const stored = [
    { name: 'eu_payouts', latest: 3 },
    { name: 'empty', latest: null },
  ];
  it.each([
    ['a name no scheme has makes v1', 'mine', undefined, { kind: 'new', version: 1 }],
    ['a stored name without versions makes v1', 'empty', undefined, { kind: 'new', version: 1 }],
    ['the scheme the editor opened gets its next version', 'eu_payouts', 'eu_payouts', { kind: 'next', version: 4, latest: 3 }],
    ['a stored scheme the editor did not open is asked about', 'eu_payouts', undefined, { kind: 'other', version: 4, latest: 3 }],
    ['… also after opening another one', 'eu_payouts', 'global_payouts', { kind: 'other', version: 4, latest: 3 }],
  ] as const)('%s', (_what, name, origin, target) => {
    expect(saveTarget(name, origin, stored)).toEqual(target);
  });
});
