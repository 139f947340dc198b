import { ACTIVITY_PREFIX } from '../../contracts/activity-hour';
import { markerNames } from '../../contracts/aws/s3-object-created';
import { type Grant, statement } from './policy';

/**
 * What an owner's instances need, and no more: that owner's datasets and session manifests to read,
 * their sessions' markers and outputs to write, and their activity hours to report. Whoever has a
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
        resources: [
          `${bucketArn}/${own}/datasets/*`,
          `${bucketArn}/${sessions}/manifest.json`,
          `${bucketArn}/${sessions}/dataset.tsv`,
        ],
      }),
      wildcardReason: why,
    },
    {
      // A session gets the files pushed for it: those replaced since come from their versions.
      statement: statement({
        sid: 'ReadOwnDatasetVersions',
        actions: ['s3:GetObjectVersion'],
        resources: [`${bucketArn}/${own}/datasets/*`],
      }),
      wildcardReason: why,
    },
    {
      statement: statement({
        sid: 'ListOwnDatasetVersions',
        actions: ['s3:ListBucketVersions'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${own}/datasets/*`] } },
      }),
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
    {
      // The owner's instances only: the idle monitor reads an instance's hours under its owner's
      // folder, so an instance cannot make another owner's look busy; users cannot write kismo/.
      statement: statement({
        sid: 'ReportOwnActivity',
        actions: ['s3:PutObject'],
        resources: [`${bucketArn}/${ACTIVITY_PREFIX}${owner}/*`],
      }),
      wildcardReason: 'one object per instance and hour: kismo/activity/<owner>/<instance>/<hour>.json',
    },
  ];
}
