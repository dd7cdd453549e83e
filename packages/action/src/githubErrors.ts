/**
 * What a failed GitHub API call was, for messages that must blame the right call. Apart from github.ts so
 * that using it does not load Octokit.
 */

/** The HTTP status of an Octokit RequestError, if it is one. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

/**
 * "GET /repos/acme/shop/actions/workflows/rollback.yml/runs answered 500: Server Error": which call failed and
 * how, for messages that must blame the right call.
 */
export function describeRequestError(e: unknown): string {
  const req = (e as { request?: { method?: string; url?: string } } | null)?.request;
  const status = statusOf(e);
  const message = ((e as Error)?.message ?? String(e)).split('\n')[0]!;
  let path = req?.url ?? '';
  try {
    path = path ? new URL(path).pathname : '';
  } catch {
    // not a URL: keep it as it is
  }
  const call = req?.method && path ? `${req.method} ${path}` : 'a GitHub API call';
  return `${call} ${status !== undefined ? `answered ${status}` : 'failed'}: ${message}`;
}
