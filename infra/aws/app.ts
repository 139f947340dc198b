// The CDK app `cdk.json` runs (`npx tsx infra/aws/app.ts`).
import { ContextError } from './context';
import { createKismoApp } from './kismo-app';

try {
  const { app } = await createKismoApp();
  app.synth();
} catch (error) {
  // A bad setting is the user's to fix: say what, without a stack trace.
  if (error instanceof ContextError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
