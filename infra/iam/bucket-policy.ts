import { type PolicyDocumentJson, type PolicyStatementJson, statement } from './policy';

/** The data bucket refuses every request that does not come over TLS, whoever makes it. */
export function tlsOnlyStatement(bucketArn: string): PolicyStatementJson {
  return {
    ...statement({
      sid: 'TlsOnly',
      effect: 'Deny',
      actions: ['s3:*'],
      resources: [bucketArn, `${bucketArn}/*`],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
    Principal: { AWS: '*' },
  };
}

/** The data bucket's own policy: the stack attaches it, the local cloud evaluates it. */
export function dataBucketPolicy(bucketArn: string): PolicyDocumentJson {
  return { Version: '2012-10-17', Statement: [tlsOnlyStatement(bucketArn)] };
}
