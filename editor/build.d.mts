/** The folder the editor is built into: dist/editor/. */
export declare const OUT_DIR: string;
/** Builds the editor into OUT_DIR (emptied first) and returns that folder. */
export declare function buildEditor(options?: { quiet?: boolean }): Promise<string>;
