// Messages between the simulation view and its worker.
import type { SimulationInput, SimulationOutput } from '../console-model/simulate.js';

export interface SimRequest {
  readonly id: number;
  readonly input: SimulationInput;
}

export type SimResponse =
  | { readonly id: number; readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly id: number; readonly kind: 'done'; readonly output: SimulationOutput };
