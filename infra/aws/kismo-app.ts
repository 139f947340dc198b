import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '../../contracts/stack-outputs';
import { discoverServices, SERVICES_DIR } from '../../services/kit/discover';
import { parseSettings } from './context';
import { KismoStack } from './kismo-stack';

export interface KismoAppOptions {
  /** @default - a new App reading cdk.json's context */
  readonly app?: App;
  /** Where service folders are found. @default SERVICES_DIR (`services/`) */
  readonly servicesRoot?: string;
}

export interface KismoApp {
  readonly app: App;
  readonly stack: KismoStack;
}

/**
 * The CDK app: the `kismo` context validated, every service folder discovered, one stack, and
 * cdk-nag's AWS Solutions rules checking it at every synth.
 */
export async function createKismoApp(options: KismoAppOptions = {}): Promise<KismoApp> {
  const app = options.app ?? new App();
  const settings = parseSettings(app.node.tryGetContext('kismo'));
  const services = await discoverServices(options.servicesRoot ?? SERVICES_DIR);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new KismoStack(app, 'Kismo', {
    stackName: DEFAULT_STACK_NAME,
    description: `kismo control plane: ${services.length} service(s)`,
    settings,
    services,
  });
  return { app, stack };
}
