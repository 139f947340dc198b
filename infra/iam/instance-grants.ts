import { markerNames } from '../../contracts/aws/s3-object-created';
import { type Grant, statement } from './policy';
import { putActivityMetricsGrant } from './service-grants';

/**
 * What an owner's instances need, and no more: that owner's datasets and session manifests to read,
 * their sessions' markers and outputs to write, and the activity metrics to report. Whoever has a
 * shell on the instance holds these credentials: they reach the owner's prefix only.
 */
export function ownerInstanceGrants(owner: string, bucketArn: string): Grant[] {
  const own = `users/${owner}`;
  const sessions = `${own}/sessions/*`;
  const why =
    'any dataset and session of this owner: the key shape (datasets, manifest, markers, outputs) is the limit';
  return [
    {
      statement: statement({
        sid: 'ReadOwnDatasetsAndManifests',
        actions: ['s3:GetObject'],
        resources: [`${bucketArn}/${own}/datasets/*`, `${bucketArn}/${sessions}/manifest.json`],
      }),
      wildcardReason: why,
    },
    {
      statement: statement({
        sid: 'ListOwnDatasetsAndOutputs',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${own}/datasets/*`, `${sessions}/outputs/*`] } },
      }),
    },
    {
      statement: statement({
        sid: 'WriteOwnMarkersAndOutputs',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [
          ...markerNames.map((marker) => `${bucketArn}/${sessions}/${marker}.json`),
          `${bucketArn}/${sessions}/outputs/*`,
        ],
      }),
      wildcardReason: why,
    },
    putActivityMetricsGrant('ReportActivity'),
  ];
}
