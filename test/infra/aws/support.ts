import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createKismoApp } from '../../../infra/aws/kismo-app';
import type { KismoStack } from '../../../infra/aws/kismo-stack';
import { REPO_ROOT } from '../../../infra/bundling/bundle-function';

/** Two fixture services: one launches (S3 contract, launch), one uses every other capability and a schedule. */
export const FIXTURE_SERVICES = path.join(import.meta.dirname, 'fixtures', 'services');

/** The `kismo` context of the repository's cdk.json: tests run on the shipped settings. */
export function shippedContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: { kismo: Record<string, unknown> };
  };
  return cdkJson.context.kismo;
}

/** An empty services root: the stack before any service exists. */
export function emptyServicesRoot(): string {
  return mkdtempSync(path.join(tmpdir(), 'kismo-no-services-'));
}

export interface Built {
  readonly app: App;
  readonly stack: KismoStack;
}

export interface Synthesized extends Built {
  readonly template: Template;
}

export interface BuildOptions {
  readonly servicesRoot?: string;
  readonly context?: Record<string, unknown>;
  /**
   * The CDK's own CloudFormation schema validation (about 7 s the first time in a process; the
   * `npx cdk synth` test runs it on the real app). @default false
   */
  readonly validateTemplate?: boolean;
}

/** The kismo app as `cdk synth` builds it (cdk-nag included), without esbuild bundling, not yet synthesized. */
export async function build(options: BuildOptions = {}): Promise<Built> {
  const app = new App({
    builtinCloudFormationValidation: options.validateTemplate ?? false,
    context: {
      'aws:cdk:bundling-stacks': [],
      kismo: { ...shippedContext(), ...options.context },
    },
  });
  const { stack } = await createKismoApp({ app, servicesRoot: options.servicesRoot ?? FIXTURE_SERVICES });
  return { app, stack };
}

/**
 * The kismo app, synthesized. `Template.fromStack` runs the validation plugins, so it throws if
 * cdk-nag reports an unacknowledged finding.
 */
export async function synthesize(options: BuildOptions = {}): Promise<Synthesized> {
  const { app, stack } = await build(options);
  return { app, stack, template: Template.fromStack(stack) };
}

/** A CloudFormation value flattened as cdk-nag flattens it, for readable assertions. */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if ('Ref' in node) return `<${String(node.Ref)}>`;
    if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(separator);
    }
  }
  return JSON.stringify(value);
}

/** The statements of a resource's policy document, with flattened resources. */
export interface FlatStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function statementsOf(
  template: Template,
  type: string,
  match: (logicalId: string) => boolean,
): FlatStatement[] {
  const resources = template.findResources(type);
  return Object.entries(resources)
    .filter(([id]) => match(id))
    .flatMap(([, resource]) => {
      const document = (resource.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } })
        .PolicyDocument;
      return document.Statement.map((s) => ({
        ...(s as unknown as FlatStatement),
        Resource: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flat),
      }));
    });
}
