// What one decision reads while it runs: the request, the state, the scheme's settings, and
// an optional trace sink (null when the caller did not ask for a trace: then nothing is built).
import type { Request, SchemeSettings, State, TraceEntry } from './types.js';

export interface DecideContext {
  readonly req: Request;
  readonly state: State;
  readonly settings: SchemeSettings;
  readonly trace: TraceEntry[] | null;
}
