/**
 * The AWS services whose IAM data (actions, resource types, condition keys) the local cloud's
 * evaluator reads: those its requests go to, and those the stack's policies name. The CLI's
 * bundle carries this data (a bundle has no files to read it from), so a new one goes here.
 */
export const IAM_SERVICES = [
  'cloudformation',
  'cloudwatch',
  'ec2',
  'events',
  'iam',
  's3',
  'sqs',
  'ssm',
  'sts',
] as const;
