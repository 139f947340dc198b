import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS, type StackOutputKey } from '../../contracts/stack-outputs';
import { CliError } from '../errors';

/** What `kismo init` writes into an AWS profile, read from the deployed stack's outputs. */
export type StackOutputs = { readonly [K in StackOutputKey]: string };

/** A stack CloudFormation is still creating, or failed to create, has no outputs worth reading. */
const UNUSABLE = /^(CREATE_IN_PROGRESS|CREATE_FAILED|ROLLBACK_.*|DELETE_.*|REVIEW_IN_PROGRESS)$/;

/**
 * Reads the outputs of the kismo stack (CloudFormation DescribeStacks).
 *
 * @throws CliError `STACK_NOT_FOUND` when the stack is not in the client's region,
 *   `STACK_NOT_READY` when it is being created or failed, `STACK_OUTPUT_MISSING` when it lacks
 *   an output this CLI needs (it was deployed from another version of kismo)
 */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackOutputs> {
  const region = await client.config.region();
  let stack: Stack | undefined;
  try {
    stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (!isMissingStack(error)) throw error;
  }
  if (!stack) {
    throw new CliError(
      'STACK_NOT_FOUND',
      `There is no stack named ${stackName} in ${region}: deploy it with \`npx cdk deploy\` (docs/deploy.md), or give --stack and --region`,
    );
  }
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (UNUSABLE.test(status)) {
    throw new CliError(
      'STACK_NOT_READY',
      `Stack ${stackName} in ${region} is ${status}: wait for \`npx cdk deploy\` to finish, or fix and deploy again (docs/deploy.md)`,
    );
  }
  const values = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const missing = Object.values(STACK_OUTPUTS).filter((key) => !values.get(key));
  if (missing.length > 0) {
    throw new CliError(
      'STACK_OUTPUT_MISSING',
      `Stack ${stackName} in ${region} has no output ${missing.join(', ')}: it was deployed from another version of kismo; deploy this one with \`npx cdk deploy\``,
    );
  }
  return Object.fromEntries(
    Object.entries(STACK_OUTPUTS).map(([name, key]) => [name, values.get(key) as string]),
  ) as StackOutputs;
}

// CloudFormation says a stack is missing with a ValidationError: "Stack with id X does not exist".
function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}
