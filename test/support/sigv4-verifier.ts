import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** What the verifier needs of a request: its method, its path exactly as sent, its headers and body. */
export interface SignedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a request's SigV4 signature as S3 does (written from the specification, not with the
 * signer under test): the canonical URI is the path as sent, never re-encoded; the payload hash is
 * the `x-amz-content-sha256` header, which must also be the body's SHA-256.
 * Answers why the request fails, or `undefined` when it passes.
 */
export function sigV4Failure(
  request: SignedRequest,
  expected: { readonly region: string; readonly secrets: Readonly<Record<string, string>> },
): string | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const match = AUTHORIZATION.exec(header('authorization') ?? '');
  if (!match) return `malformed Authorization: ${header('authorization')}`;
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const secret = expected.secrets[accessKeyId];
  if (secret === undefined) return `unknown access key ${accessKeyId}`;
  if (region !== expected.region || service !== 's3') return `wrong scope ${region}/${service}`;
  const amzDate = header('x-amz-date') ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day)) return `x-amz-date ${amzDate} off scope`;
  const payloadHash = header('x-amz-content-sha256');
  if (payloadHash !== hex(request.body)) return `x-amz-content-sha256 ${payloadHash} is not the body's`;
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!signedHeaders.includes(required)) return `${required} is not signed`;
  }
  if ([...signedHeaders].sort().join(';') !== signedHeaderList) return 'SignedHeaders not sorted';
  const [path, query = ''] = request.url.split('?');
  if (query !== '') return `unexpected query ${query}`;
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [request.method, path, '', canonicalHeaders, signedHeaderList, payloadHash].join(
    '\n',
  );
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  const wanted = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return wanted === signature ? undefined : `signature mismatch for canonical request:\n${canonicalRequest}`;
}

/** S3's error document. */
export const s3ErrorXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * A fake S3 bucket for a recording server: it answers a request whose signature fails with 403
 * SignatureDoesNotMatch (the reason as message); otherwise it keeps PUT bodies by path and serves them to GETs.
 */
export function signatureCheckingS3(expected: Parameters<typeof sigV4Failure>[1]) {
  const stored = new Map<string, Buffer>();
  return (request: SignedRequest, response: ServerResponse): void => {
    const failure = sigV4Failure(request, expected);
    if (failure) {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end(s3ErrorXml('SignatureDoesNotMatch', failure));
      return;
    }
    if (request.method === 'PUT') stored.set(request.url, request.body);
    const body = request.method === 'GET' ? stored.get(request.url) : undefined;
    if (request.method === 'GET' && !body) {
      response.writeHead(404, { 'content-type': 'application/xml' }).end(s3ErrorXml('NoSuchKey', 'none'));
      return;
    }
    const etag = `"${createHash('md5')
      .update(body ?? request.body)
      .digest('hex')}"`;
    response.writeHead(200, { etag }).end(body);
  };
}
