import type { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';

const HEADER = 'x-amz-content-sha256';

/**
 * Gives the request signer the body's SHA-256, which we already computed: otherwise SigV4 hashes
 * every body once more (a third pass over every byte of a large file).
 */
export function withPayloadHash<C extends PutObjectCommand | UploadPartCommand>(
  command: C,
  sha256Hex: string,
): C {
  (command as PutObjectCommand).middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[HEADER] = sha256Hex;
      return next(args);
    },
    { step: 'build', name: 'kismoPayloadHash' },
  );
  return command;
}
