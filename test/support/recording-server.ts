import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the server received it: the path exactly as sent, the whole body. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Answers the `count`th request (from 1); may also leave it unanswered. */
export type Answer = (request: SeenRequest, response: ServerResponse, count: number) => void;

export interface RecordingServer {
  readonly endpoint: string;
  readonly seen: readonly SeenRequest[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1, on a free port, that keeps every request and answers with `answer`. */
export async function startRecordingServer(answer: Answer): Promise<RecordingServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method = '', url = '', headers } = request;
      const received = { method, url, headers, body: Buffer.concat(chunks) };
      seen.push(received);
      answer(received, response, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
