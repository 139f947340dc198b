// The contract between the deployed stack (which declares these outputs and environment variables)
// and what reads them: the CLI (`kismo init`) and the functions (`services/kit/aws-runtime.ts`).

/** The CloudFormation stack `npx cdk deploy` creates and `kismo init` reads by default. */
export const DEFAULT_STACK_NAME = 'kismo';

/** The stack's outputs, by the name the CLI's profile gives each. */
export const STACK_OUTPUTS = {
  stackName: 'StackName',
  region: 'Region',
  bucket: 'BucketName',
  busName: 'EventBusName',
  userPolicyArn: 'UserPolicyArn',
  slackTokenParameter: 'SlackTokenParameterName',
} as const;

export type StackOutputKey = keyof typeof STACK_OUTPUTS;

/** The environment `services/kit/aws-runtime.ts` reads: KISMO_CONFIG always, the others when capabilities need them. */
export const FUNCTION_ENV = {
  config: 'KISMO_CONFIG',
  /** Services with the `compute: ['launch']` capability: the template every instance starts from. */
  launchTemplateId: 'LAUNCH_TEMPLATE_ID',
  /** Services with the `chat` capability: the name of the Slack bot token's SSM parameter. */
  slackTokenParameter: 'SLACK_TOKEN_PARAMETER',
  /** The Slack actions endpoint: the name of the Slack signing secret's SSM parameter. */
  slackSigningSecretParameter: 'SLACK_SIGNING_SECRET_PARAMETER',
} as const;
