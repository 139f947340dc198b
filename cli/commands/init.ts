import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_STACK_NAME } from '../../contracts/stack-outputs';
import { s3Objects } from '../../services/kit/ports/objects';
import { findOwner } from '../aws/owner';
import { readStackOutputs } from '../aws/stack-outputs';
import { configPath, type Profile, writeProfile } from '../config/profiles';
import { awsCredentials, explainAwsError } from '../context';
import { CliError } from '../errors';
import type { GlobalOptions } from '../program';

export interface InitOptions {
  readonly stack?: string;
  readonly region?: string;
  /** The profile to write. @default aws */
  readonly name?: string;
  /** The AWS CLI profile to sign in with (an SSO profile, say). @default the SDK's default chain */
  readonly awsProfile?: string;
  /** The owner the person says is theirs, when it is not their session name. */
  readonly owner?: string;
}

/**
 * `kismo init`: reads the deployed stack's outputs, proves who the person is in kismo (the owner
 * IAM gives their identity), and writes an AWS profile with both, so every other command knows
 * the bucket, the region and the owner. Credentials stay with the AWS SDK's own chain (the AWS
 * profile named, SSO included); nothing is written when a step fails.
 */
export async function init(options: InitOptions, globals: GlobalOptions): Promise<void> {
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  const name = options.name ?? 'aws';
  const { awsProfile } = options;
  const credentials = awsCredentials(awsProfile);
  const signIn = { ...(awsProfile ? { profile: awsProfile } : {}), credentials };
  const cloudFormation = new CloudFormationClient({
    ...signIn,
    ...(options.region ? { region: options.region } : {}),
  });
  // What a failure is told against, before the stack has said where kismo is.
  const draft: Profile = {
    name,
    kind: 'aws',
    region: options.region ?? '',
    bucket: `of stack ${stackName}`,
    busName: 'kismo',
    ...(awsProfile ? { awsProfile } : {}),
  };
  let bucket: S3Client | undefined;
  try {
    const outputs = await readStackOutputs(cloudFormation, stackName).catch((error: unknown) => {
      if ((error as { name?: string }).name === 'AccessDenied') {
        throw new CliError(
          'ACCESS_DENIED',
          `you may not read stack ${stackName}'s outputs: ask an administrator for the KismoUser policy (docs/deploy.md)`,
        );
      }
      throw explainAwsError(draft, error) ?? error;
    });
    bucket = new S3Client({ ...signIn, region: outputs.region });
    const proof = await findOwner({
      region: outputs.region,
      credentials,
      objects: s3Objects(bucket, outputs.bucket),
      ...(options.owner ? { claimed: options.owner } : {}),
    }).catch((error: unknown) => {
      throw explainAwsError({ ...draft, region: outputs.region, bucket: outputs.bucket }, error) ?? error;
    });
    writeProfile(name, {
      kind: 'aws',
      region: outputs.region,
      bucket: outputs.bucket,
      busName: outputs.busName,
      stackName: outputs.stackName,
      ...(awsProfile ? { awsProfile } : {}),
      owner: proof.owner,
      principal: proof.principal,
    });
    const result = {
      profile: name,
      stackName: outputs.stackName,
      region: outputs.region,
      bucket: outputs.bucket,
      owner: proof.owner,
      principal: proof.principal,
      signIn: proof.signIn,
      file: configPath(),
    };
    process.stdout.write(
      globals.json
        ? `${JSON.stringify(result)}\n`
        : `wrote profile "${name}" (stack ${result.stackName} in ${result.region}, bucket ${result.bucket}; you are ${proof.owner}, as ${proof.principal}) to ${result.file}; try \`kismo doctor --profile ${name}\`\n`,
    );
  } finally {
    cloudFormation.destroy();
    bucket?.destroy();
  }
}
