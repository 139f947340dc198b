import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, signS3Request } from '../../../cli/aws/sigv4';
import { sigV4Failure } from '../../support/sigv4-verifier';

// The examples of "Signature Calculations for the Authorization Header" in the Amazon S3 API reference.
const EXAMPLE_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');
const HOST = 'examplebucket.s3.amazonaws.com';

describe('SigV4 signing of S3 requests', () => {
  it("signs AWS's GET Object example to its published signature", () => {
    // Act
    const headers = signS3Request(
      {
        method: 'GET',
        path: '/test.txt',
        headers: { host: HOST, range: 'bytes=0-9' },
        payloadHash: EMPTY_SHA256,
      },
      'us-east-1',
      EXAMPLE_CREDENTIALS,
      EXAMPLE_TIME,
    );

    // Assess
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });

  it("signs AWS's PUT Object example, an encoded key and a body, to its published signature", () => {
    // Prepare
    const payloadHash = createHash('sha256').update('Welcome to Amazon S3.').digest('hex');

    // Act
    const headers = signS3Request(
      {
        method: 'PUT',
        path: '/test%24file.text',
        headers: {
          host: HOST,
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        },
        payloadHash,
      },
      'us-east-1',
      EXAMPLE_CREDENTIALS,
      EXAMPLE_TIME,
    );

    // Assess
    expect(headers.authorization).toMatch(
      /SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd$/,
    );
  });

  it('signs the session token of temporary credentials, and the verifier accepts it', () => {
    // Prepare
    const credentials = { ...EXAMPLE_CREDENTIALS, sessionToken: 'FQoGZXIvYXdzEXAMPLE' };

    // Act
    const headers = signS3Request(
      {
        method: 'GET',
        path: '/users/ada/sync/data.json',
        headers: { host: HOST },
        payloadHash: EMPTY_SHA256,
      },
      'eu-west-1',
      credentials,
    );

    // Assess
    expect(headers['x-amz-security-token']).toBe('FQoGZXIvYXdzEXAMPLE');
    expect(headers.authorization).toContain('x-amz-security-token');
    const request = { method: 'GET', url: '/users/ada/sync/data.json', headers, body: Buffer.alloc(0) };
    const secrets = { [credentials.accessKeyId]: credentials.secretAccessKey };
    expect(sigV4Failure(request, { region: 'eu-west-1', secrets })).toBeUndefined();
    expect(sigV4Failure(request, { region: 'us-east-1', secrets })).toMatch(/wrong scope/);
  });
});
