// A decision's trace as the routing tree the console draws: the blocks tested, the service,
// each chain's branches (taken green, not taken red, the taken one holding what came after it),
// and the strategies with their candidates, the routes they filtered out and why, and the chosen.
// The trace is flat; its order gives the nesting: after a taken branch come the entries of its body.

export type Tone = 'ok' | 'fail' | 'neutral';
export type NodeKind = 'decision' | 'block' | 'service' | 'branch' | 'strategy' | 'reject' | 'note';

export interface Candidate {
  readonly route: string;
  readonly state: 'chosen' | 'considered' | 'filtered';
  /** Why a filtered route was left out. */
  readonly reason?: string;
}

export interface TreeNode {
  readonly kind: NodeKind;
  tone: Tone;
  /** What the node is: `when amount >= 10000 EUR`, `block sanctions`, `balance`, ... */
  readonly title: string;
  /** What happened: `taken`, `not taken`, `chose bankco_eur`, ... */
  outcome: string;
  /** 1-based line in the scheme's source, when the trace names it. */
  readonly line?: number;
  /** The request's values the condition read, as text. */
  readonly values: readonly (readonly [string, string])[];
  readonly candidates: readonly Candidate[];
  readonly children: TreeNode[];
}

export interface TraceEntryLike {
  readonly step: string;
  readonly [key: string]: unknown;
}

export interface DecisionLike {
  readonly status?: unknown;
  readonly route?: unknown;
  readonly block?: unknown;
  readonly resolution?: unknown;
  readonly trace?: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(text) : []);

function valuesOf(e: TraceEntryLike): [string, string][] {
  const v = e['values'];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  return Object.entries(v).map(([k, x]) => [k, text(x)]);
}

function filteredOf(v: unknown): { route: string; reason: string }[] {
  if (!Array.isArray(v)) return [];
  return v.map((x: unknown) => {
    if (typeof x !== 'object' || x === null) return { route: text(x), reason: '' };
    const o = x as { route?: unknown; reason?: unknown };
    return { route: text(o.route), reason: text(o.reason) };
  });
}

const lineOf = (e: TraceEntryLike): { line?: number } => (typeof e['line'] === 'number' ? { line: e['line'] } : {});

function node(kind: NodeKind, tone: Tone, title: string, outcome: string, extra: Partial<Pick<TreeNode, 'line' | 'values' | 'candidates'>> = {}): TreeNode {
  return { kind, tone, title, outcome, values: extra.values ?? [], candidates: extra.candidates ?? [], children: [], ...(extra.line !== undefined ? { line: extra.line } : {}) };
}

export function isTraceEntry(v: unknown): v is TraceEntryLike {
  return typeof v === 'object' && v !== null && typeof (v as { step?: unknown }).step === 'string';
}

function decisionOutcome(d: DecisionLike): { tone: Tone; outcome: string } {
  switch (d.status) {
    case 'routed':
      return { tone: 'ok', outcome: `routed → ${text(d.route)}` };
    case 'blocked':
      return { tone: 'fail', outcome: `blocked by ${text(d.block)}` };
    case 'failed':
      return { tone: 'fail', outcome: `failed: ${text(d.resolution)}` };
    default:
      return { tone: 'neutral', outcome: text(d.status) };
  }
}

/** The routing tree of one decision. `service` names the service node (the trace does not). */
export function traceTree(decision: DecisionLike, service?: string): TreeNode {
  const trace = Array.isArray(decision.trace) ? decision.trace.filter(isTraceEntry) : [];
  const head = decisionOutcome(decision);
  const root = node('decision', head.tone, 'decision', head.outcome);
  let serviceNode: TreeNode | undefined;
  let parent: TreeNode = root;
  const inService = (): TreeNode => {
    if (!serviceNode) {
      serviceNode = node('service', 'neutral', `service ${service ?? '?'}`, '');
      root.children.push(serviceNode);
      parent = serviceNode;
    }
    return parent;
  };
  for (const e of trace) {
    switch (e.step) {
      case 'block': {
        const matched = e['matched'] === true;
        root.children.push(
          node('block', matched ? 'fail' : 'ok', `block ${text(e['block'])} when ${text(e['condition'])}`, matched ? 'matched: blocked' : 'passed', { ...lineOf(e), values: valuesOf(e) }),
        );
        break;
      }
      case 'branch': {
        const taken = e['taken'] === true;
        const condition = text(e['condition']);
        const n = node('branch', taken ? 'ok' : 'fail', condition === 'else' ? 'else' : `when ${condition}`, taken ? 'taken' : 'not taken', { ...lineOf(e), values: valuesOf(e) });
        inService().children.push(n);
        if (taken) parent = n;
        break;
      }
      case 'strategy': {
        const chosen = strings(e['chosen']);
        const filtered = filteredOf(e['filtered']);
        const candidates: Candidate[] = [
          ...strings(e['candidates']).map((route): Candidate => ({ route, state: chosen.includes(route) ? 'chosen' : 'considered' })),
          ...chosen.filter((r) => !strings(e['candidates']).includes(r)).map((route): Candidate => ({ route, state: 'chosen' })),
          ...filtered.map((f): Candidate => ({ route: f.route, state: 'filtered', reason: f.reason })),
        ];
        const outcome = chosen.length ? `chose ${chosen.join(', ')}` : 'no route';
        inService().children.push(node('strategy', chosen.length ? 'ok' : 'fail', text(e['strategy']), outcome, { ...lineOf(e), candidates }));
        break;
      }
      case 'reject':
        inService().children.push(node('reject', 'fail', 'reject', text(e['reason']), lineOf(e)));
        break;
      case 'service': {
        inService();
        const s = serviceNode!;
        s.tone = 'fail';
        s.outcome = e['configured'] === false ? 'not configured in this scheme' : 'failed';
        break;
      }
      case 'attempts':
        root.children.push(node('note', 'fail', 'attempts', `attempt ${text(e['attempt'])} of ${text(e['attempts'])}: none left`));
        break;
      case 'rates':
        root.children.push(node('note', 'fail', 'rates', text(e['reason'])));
        break;
      default:
        root.children.push(node('note', 'neutral', e.step, JSON.stringify(e)));
    }
  }
  const s: TreeNode | undefined = serviceNode;
  if (s && s.tone !== 'fail') {
    s.tone = decision.status === 'routed' ? 'ok' : 'fail';
    s.outcome = decision.status === 'routed' ? 'routed' : 'no route';
  }
  return root;
}

/** Every node, depth first, with its depth (for tests and for text rendering). */
export function flatten(tree: TreeNode, depth = 0): { node: TreeNode; depth: number }[] {
  return [{ node: tree, depth }, ...tree.children.flatMap((c) => flatten(c, depth + 1))];
}

/**
 * Why a decision was not routed, in one line: the block, or the resolution with what the
 * trace names (routes filtered out and why, a missing rate, a reject's reason).
 */
export function whyNotRouted(decision: DecisionLike): string {
  if (decision.status === 'blocked') return `blocked by ${text(decision.block)}`;
  const details = flatten(traceTree(decision)).flatMap(({ node }) => {
    if (node.tone !== 'fail') return [];
    if (node.kind === 'strategy') return node.candidates.filter((c) => c.state === 'filtered').map((c) => `${c.route}: ${c.reason}`);
    if (node.kind === 'note' || node.kind === 'reject') return [node.outcome];
    if (node.kind === 'service' && node.outcome !== 'no route') return [`service ${node.outcome}`];
    return [];
  });
  const unique = [...new Set(details)];
  return unique.length ? `${text(decision.resolution)} (${unique.join('; ')})` : text(decision.resolution);
}
