import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DEFAULT_STACK_NAME } from '../../contracts/stack-outputs';
import { readStackOutputs } from '../aws/stack-outputs';
import { configPath, writeProfile } from '../config/profiles';
import type { GlobalOptions } from '../program';

export interface InitOptions {
  readonly stack?: string;
  readonly region?: string;
  /** The profile to write. @default aws */
  readonly name?: string;
}

/**
 * `kismo init`: reads the deployed stack's outputs and writes an AWS profile from them, so every
 * other command knows the bucket and region. Credentials stay with the AWS SDK's own chain.
 */
export async function init(
  options: InitOptions,
  globals: GlobalOptions,
  client: CloudFormationClient = new CloudFormationClient(options.region ? { region: options.region } : {}),
): Promise<void> {
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  const name = options.name ?? 'aws';
  try {
    const outputs = await readStackOutputs(client, stackName);
    writeProfile(name, {
      kind: 'aws',
      region: outputs.region,
      bucket: outputs.bucket,
      busName: outputs.busName,
      stackName: outputs.stackName,
    });
    const result = {
      profile: name,
      stackName: outputs.stackName,
      region: outputs.region,
      bucket: outputs.bucket,
      file: configPath(),
    };
    process.stdout.write(
      globals.json
        ? `${JSON.stringify(result)}\n`
        : `wrote profile "${name}" (stack ${result.stackName} in ${result.region}, bucket ${result.bucket}) to ${result.file}; try \`kismo doctor --profile ${name}\`\n`,
    );
  } finally {
    client.destroy();
  }
}
