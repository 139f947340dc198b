import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import type { Contract } from '../../contracts/kit/contract';
import { eventJsonSchema } from '../../contracts/kit/json-schema';
import { pascal } from './event-routing';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

export interface SchemaRegistryProps {
  readonly events: readonly Contract[];
  /** @default 'kismo' */
  readonly registryName?: string;
}

/**
 * The catalog's events in an EventBridge schema registry, so that anyone on the account can find
 * them and generate code bindings. The registry takes OpenAPI 3 or JSON Schema draft 4: the
 * catalog's JSON Schema is written down to draft 4.
 */
export class SchemaRegistry extends Construct {
  readonly registry: CfnRegistry;
  readonly schemas: readonly CfnSchema[];

  constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      registryName: props.registryName ?? 'kismo',
      description: 'kismo events: one schema per detail-type and version',
    });
    this.schemas = props.events.map((contract) => {
      const schema = new CfnSchema(this, pascal(contract.name), {
        registryName: this.registry.attrRegistryName,
        schemaName: registrySchemaName(contract),
        type: 'JSONSchemaDraft4',
        description: contract.description,
        content: JSON.stringify(registrySchema(contract)),
      });
      return schema;
    });
  }
}

/** `kismo@InstanceReady-v1`: source, then the detail-type, then the version (names allow `[\w.@-]`). */
export function registrySchemaName(contract: Contract): string {
  const version = contract.version === undefined ? '' : `-v${contract.version}`;
  return `${contract.source}@${pascal(contract.detailType)}${version}`;
}

/** The catalog's JSON Schema of an event, as draft 4. */
export function registrySchema(contract: Contract): Record<string, unknown> {
  const schema = toDraft04(eventJsonSchema(contract)) as Record<string, unknown>;
  return { ...schema, $schema: DRAFT_04 };
}

/**
 * Rewrites the keywords zod's draft 2020-12 output may hold into draft 4's: `const` becomes a
 * one-value `enum`, `$defs` becomes `definitions`, numeric `exclusiveMinimum`/`exclusiveMaximum`
 * become the boolean form beside `minimum`/`maximum`, and `$id` becomes `id`.
 */
export function toDraft04(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft04);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === 'patternProperties' || key === '$defs') {
      // Keys here are field names, not keywords: only their schemas are rewritten.
      out[key === '$defs' ? 'definitions' : key] = mapValues(value, toDraft04);
    } else if (key === 'const') out.enum = [value];
    else if (key === '$id') out.id = value;
    else if (key === '$ref' && typeof value === 'string')
      out.$ref = value.replace('#/$defs/', '#/definitions/');
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else out[key] = toDraft04(value);
  }
  return out;
}

function mapValues(value: unknown, map: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, map(v)]));
}
