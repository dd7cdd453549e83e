/**
 * The GitHub API client of the Action: @actions/github's Octokit with Octokit's own retry and throttling
 * plugins, so a 5xx or a (secondary) rate limit on the rollback dispatch is retried with backoff instead of
 * leaving a bad deploy in place; and error descriptions that name the call that failed.
 */
import { getOctokit } from '@actions/github';

/** The workflow run's context (repository, run id, job, event payload), as @actions/github reads it. */
export { context } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/** Retries of a request that failed with a 5xx or was rate limited (delays 1 s, 4 s, 9 s). */
export const githubRetries = 3;
/** The longest wait for a rate limit to lift that is worth it inside a job; beyond, the call fails. */
const maxRateLimitWaitSeconds = 120;

type Log = (message: string) => void;

/** An Octokit for `token` that retries transient failures (5xx, rate limits); `log` hears each retry. */
export function githubClient(token: string, log: Log): ReturnType<typeof getOctokit> {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const again = retryCount < githubRetries && retryAfter <= maxRateLimitWaitSeconds;
      log(
        `GitHub API ${kind} on ${options.method} ${options.url}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`,
      );
      return again;
    };
  return getOctokit(
    token,
    {
      retry: { retries: githubRetries },
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
    },
    retry,
    throttling,
  );
}
