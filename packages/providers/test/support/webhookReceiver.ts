/**
 * A real HTTP server on 127.0.0.1 (port 0) that receives webhooks the way Slack, Teams or any JSON
 * endpoint would: it records every request (path, headers, parsed body) and answers each one as the test's
 * script says (a status, a body, or no answer at all, to test timeouts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  text: string;
  body: unknown;
}

/** How to answer the n-th request (0-based): a status and body, or `hang` to never answer. */
export type Answer = { status: number; body?: string } | 'hang';

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  answer: (n: number, req: ReceivedWebhook) => Answer = () => ({ status: 200, body: 'ok' }),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      const r: ReceivedWebhook = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        text,
        body,
      };
      received.push(r);
      const a = answer(received.length - 1, r);
      if (a === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(a.status, { 'content-type': 'text/plain' });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
