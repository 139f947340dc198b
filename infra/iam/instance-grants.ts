import { markerNames } from '../../contracts/aws/s3-object-created';
import { type Grant, statement } from './policy';
import { putActivityMetricsGrant } from './service-grants';

/** What the bootstrap and the activity reporter on an instance need, and no more. */
export function instanceGrants(bucketArn: string): Grant[] {
  const sessions = 'users/*/sessions/*';
  const why =
    'any owner’s session: an instance profile cannot name the session it serves, so the key shape (datasets, manifest, markers, outputs) is the limit';
  return [
    {
      statement: statement({
        sid: 'ReadDatasetsAndManifests',
        actions: ['s3:GetObject'],
        resources: [`${bucketArn}/users/*/datasets/*`, `${bucketArn}/${sessions}/manifest.json`],
      }),
      wildcardReason: why,
    },
    {
      statement: statement({
        sid: 'ListDatasets',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': ['users/*/datasets/*', `${sessions}/outputs/*`] } },
      }),
    },
    {
      statement: statement({
        sid: 'WriteMarkersAndOutputs',
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
