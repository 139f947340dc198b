// Where kismo's two Slack credentials live: SSM Parameter Store SecureString parameters, standard
// tier (no monthly charge, where a Secrets Manager secret costs $0.40), encrypted with the AWS
// managed key `aws/ssm`. CloudFormation cannot create a SecureString, so the stack only names them
// (in its outputs, and in IAM: each reader may read its own parameter and no other) and the
// operator creates them (docs/deploy.md, Slack).

export const SLACK_PARAMETERS = {
  /** The bot token (xoxb-…): read by services with the `chat` capability, never by the endpoint. */
  botToken: '/kismo/slack/bot-token',
  /** The Slack app's signing secret: read by the Slack actions endpoint only. */
  signingSecret: '/kismo/slack/signing-secret',
} as const;
