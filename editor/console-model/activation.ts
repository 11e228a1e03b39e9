// What activating a version would change, for the editor's Activate dialog: the semantic diff
// against the active version, and the decision impact on recent traffic — the mode's latest
// payout requests of the scheme decided again by both versions (nothing committed), or sample
// requests made from the scheme when it has none.
import { compile } from '../../compiler/compile.js';
import { diffSchemes, hasChanges } from '../../compiler/diff/diff.js';
import { decisionImpact, type SampleRequest } from '../../compiler/diff/impact.js';
import { renderDiff } from '../../compiler/diff/render.js';
import { hasErrors } from '../../grammar/diagnostics.js';
import { schemeRequestOf, type PayoutRequestFields } from '../../runtime/scheme-request.js';
import { sampleTraffic } from './simulation-input.js';

export interface RecentRequest {
  readonly attributes: PayoutRequestFields & { readonly scheme: string | null; readonly created_at: string };
}

/** The decide requests of the recent payout requests that `scheme` decided. */
function recentTraffic(scheme: string, recent: readonly RecentRequest[], testMode: boolean): SampleRequest[] {
  return recent.filter((r) => r.attributes.scheme === scheme).map((r, i) => ({ line: i + 1, json: schemeRequestOf(r.attributes, testMode, r.attributes.created_at) }));
}

export interface Review {
  /** Markdown: the diff, then the impact table with examples. */
  readonly markdown: string;
  readonly changed: boolean;
  /** Where the requests came from, in a sentence. */
  readonly traffic: string;
}

const SAMPLE = 200;

/** The review of moving from `active` (null: none active) to `next`, on the `recent` payout requests of the scheme (sample traffic when none). */
export function reviewActivation(name: string, active: { version: number; source: string } | null, next: { version: number; source: string }, recent: readonly RecentRequest[]): Review | { readonly error: string } {
  const after = compile(next.source);
  if (hasErrors(after.diagnostics) || !after.scheme) return { error: `v${next.version} does not compile here` };
  const before = active ? compile(active.source) : undefined;
  if (!before || hasErrors(before.diagnostics) || !before.scheme) {
    return { markdown: `No version of ${name} is active: v${next.version} will be the first.`, changed: true, traffic: '' };
  }
  const traffic = recentTraffic(name, recent, after.scheme.settings.mode === 'test');
  const fromRecent = traffic.length > 0;
  const requests = fromRecent
    ? traffic
    : sampleTraffic(after.scheme.ast, SAMPLE)
        .split('\n')
        .filter(Boolean)
        .map((line, i) => ({ line: i + 1, json: JSON.parse(line) as unknown }));
  const diff = diffSchemes(before.scheme.ast, after.scheme.ast);
  const impact = decisionImpact(before.scheme, after.scheme, requests);
  const names = { old: `${name} v${active!.version} (active)`, new: `${name} v${next.version}`, requests: fromRecent ? 'recent payout requests' : 'sample requests' };
  return {
    markdown: renderDiff(diff, impact, names),
    changed: hasChanges(diff),
    traffic: fromRecent ? `the ${requests.length} most recent payout requests this scheme decided` : `${requests.length} sample requests made from the scheme (no recent payout requests of it)`,
  };
}
