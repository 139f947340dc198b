import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { createKismoApp } from '../aws/kismo-app';
import { REPO_ROOT } from '../bundling/bundle-function';
import type { CfnTemplate } from './inventory';

/**
 * The kismo stack's CloudFormation template as `npx cdk synth` makes it from this checkout's
 * cdk.json and services (cdk-nag included), without bundling the functions: nothing the bill
 * reads depends on their code.
 */
export async function synthesizedTemplate(context: Record<string, unknown> = {}): Promise<CfnTemplate> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: { kismo: Record<string, unknown> };
  };
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], kismo: { ...cdkJson.context.kismo, ...context } },
  });
  const { stack } = await createKismoApp({ app });
  return app.synth().getStackByName(stack.stackName).template as CfnTemplate;
}
