// V8 compares two internalized strings by identity and any other pair by content, a builtin call
// per comparison or Map lookup. Codes and names read from a scheme's source or a state's keys are
// slices, not internalized, while the request's (short JSON strings) and generated code's are:
// the runtime's tables keep internalized copies so that a decision compares by identity.

/** The internalized copy of `s` (a property key is always internalized). */
export function interned(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}
