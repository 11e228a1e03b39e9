// How an editor edits Sluice text: the line comment, brackets, pairs closed as they are typed,
// what a word is and when to indent. In VS Code's language-configuration.json form (patterns as
// strings): the browser editor reads it, and the VS Code extension's file is generated from it.
export interface LanguageConfiguration {
  readonly comments: { readonly lineComment: string };
  readonly brackets: [string, string][];
  readonly autoClosingPairs: { readonly open: string; readonly close: string; readonly notIn?: string[] }[];
  readonly surroundingPairs: { readonly open: string; readonly close: string }[];
  readonly wordPattern: string;
  readonly indentationRules: { readonly increaseIndentPattern: string; readonly decreaseIndentPattern: string };
}

export const LANGUAGE_CONFIGURATION: LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ],
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
  wordPattern: '(fields\\.)?[A-Za-z0-9_]+|[^\\s\\w]+',
  indentationRules: { increaseIndentPattern: '\\{\\s*(#.*)?$', decreaseIndentPattern: '^\\s*\\}' },
};
