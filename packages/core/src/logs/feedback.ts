/**
 * Feedback on log clusters, kept as code (a YAML file in the repository) or stored by Backstage:
 *
 * ```yaml
 * rules:
 *   - cluster: L00a1b2c3d4e5f6          # a cluster id as `vigil logs compare` prints it
 *     action: not-a-risk-ignore-frequency
 *     reason: health-check noise, expected after every deploy
 *   - template: "Retrying connect to server: * Already tried *"   # `*` matches any text
 *     action: high
 *     reason: the database is unreachable
 * ```
 */
import { parse } from 'yaml';
import { InputError } from '../errors.ts';

/**
 * What a rule does to the clusters it matches:
 * `not-a-risk-ignore-frequency`: never a risk, whatever its frequency;
 * `not-a-risk-consider-frequency`: not a risk as a new or known message, but an unexpected frequency still counts;
 * `medium` / `high`: raise the cluster's risk to at least that level whenever it occurs in the canary.
 */
export type FeedbackAction =
  | 'not-a-risk-ignore-frequency'
  | 'not-a-risk-consider-frequency'
  | 'medium'
  | 'high';

export const FEEDBACK_ACTIONS: readonly FeedbackAction[] = [
  'not-a-risk-ignore-frequency',
  'not-a-risk-consider-frequency',
  'medium',
  'high',
];

/** One feedback rule. Exactly one of `cluster` and `template` is set. */
export interface FeedbackRule {
  /** Matches the cluster with this id. */
  cluster?: string;
  /** Matches clusters whose whole template matches this pattern; `*` matches any text, `<*>` is literal. */
  template?: string;
  action: FeedbackAction;
  /** Why: shown in the explanation next to the cluster. */
  reason: string;
  /** Where the rule came from, e.g. `.vigil/log-feedback.yaml#rules[2]`. */
  source?: string;
}

/** A mistake in a feedback file; the message names the file and the field path. */
export class FeedbackError extends InputError {
  override name = 'FeedbackError';
}

/** Parses feedback rules from YAML text (a `rules:` list, or the list itself). */
export function parseFeedback(yamlText: string, sourceName: string): FeedbackRule[] {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (e) {
    throw new FeedbackError(`${sourceName}: not valid YAML: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  const list = Array.isArray(doc) ? doc : (doc as Record<string, unknown>).rules;
  const base = Array.isArray(doc) ? '' : 'rules';
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new FeedbackError(`${sourceName}: ${base || 'the document'} must be a list of rules`);
  return list.map((raw, i) => parseRule(raw, `${base}[${i}]`, sourceName));
}

function parseRule(raw: unknown, path: string, sourceName: string): FeedbackRule {
  const fail = (field: string, msg: string): never => {
    throw new FeedbackError(`${sourceName}: ${path}${field ? `.${field}` : ''} ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('', 'must be a mapping with cluster or template, action and reason');
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['cluster', 'template', 'action', 'reason'].includes(key)) {
      fail(key, 'is not a known field (use cluster, template, action, reason)');
    }
  }
  const str = (field: string): string | undefined => {
    const v = r[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return fail(field, 'must be a non-empty string');
    return v;
  };
  const cluster = str('cluster');
  const template = str('template');
  if (!cluster && !template) fail('', 'needs cluster (a cluster id) or template (a pattern)');
  if (cluster && template) fail('', 'has both cluster and template: keep one of them');
  const action = str('action');
  if (!action) return fail('action', `is missing: use one of ${FEEDBACK_ACTIONS.join(', ')}`);
  if (!FEEDBACK_ACTIONS.includes(action as FeedbackAction)) {
    fail('action', `is "${action}": use one of ${FEEDBACK_ACTIONS.join(', ')}`);
  }
  const reason = str('reason');
  if (!reason) return fail('reason', 'is missing: say why, it is shown with the verdict');
  const rule: FeedbackRule = { action: action as FeedbackAction, reason, source: `${sourceName}#${path}` };
  if (cluster) rule.cluster = cluster;
  if (template) rule.template = template;
  return rule;
}

const patternCache = new Map<string, RegExp>();

function patternRegex(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('<*>')
      .map((part) =>
        part
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*'),
      )
      .join('<\\*>');
    re = new RegExp(`^${body}$`, 's');
    patternCache.set(pattern, re);
  }
  return re;
}

/** The first rule that matches a cluster, or undefined. */
export function matchFeedback(
  rules: readonly FeedbackRule[],
  clusterId: string,
  template: string,
): FeedbackRule | undefined {
  return rules.find((r) =>
    r.cluster !== undefined ? r.cluster === clusterId : patternRegex(r.template!).test(template),
  );
}
