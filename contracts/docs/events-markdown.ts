import { awsEvents, kismoEvents } from '../catalog';
import type { Contract } from '../kit/contract';
import { eventJsonSchema } from '../kit/json-schema';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  anyOf?: JsonSchema[];
  description?: string;
  minimum?: number;
  maximum?: number;
};

/** `docs/events.md`, generated from the catalog: the one place a reader sees every event and its fields. */
export function renderEventsMarkdown(): string {
  const lines = [
    '# kismo events',
    '',
    '<!-- Generated from contracts/ by `npm run docs:events`; a test fails when it is stale. Do not edit. -->',
    '',
    'Every kismo event goes to the `kismo` bus with source `kismo`, its detail-type, and `detail.version`.',
    'Adding an optional field keeps the version; removing, renaming or tightening one is a new version.',
    'The correlation keys `owner`, `sessionId` and `instanceId` appear wherever they exist.',
    '',
    '## Published by kismo',
    '',
    '| detail-type | version | description |',
    '|---|---|---|',
    ...kismoEvents.map((c) => `| [${c.detailType}](#${anchor(c)}) | ${c.version} | ${c.description} |`),
    '',
    ...kismoEvents.flatMap(section),
    '## Consumed from AWS',
    '',
    ...awsEvents.flatMap(section),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function anchor(contract: Contract): string {
  return contract.name
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function section(contract: Contract): string[] {
  const schema = eventJsonSchema(contract) as { properties: { detail: JsonSchema } };
  return [
    `### ${contract.name}`,
    '',
    contract.description,
    '',
    `- source: \`${contract.source}\`, detail-type: \`${contract.detailType}\``,
    `- pattern: \`${JSON.stringify(contract.pattern())}\``,
    '',
    '| field | type | required |',
    '|---|---|---|',
    ...fields(schema.properties.detail, 'detail'),
    '',
  ];
}

function fields(schema: JsonSchema, prefix: string): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
    const path = `${prefix}.${name}`;
    const row = `| \`${path}\` | ${typeOf(child)} | ${required.has(name) ? 'yes' : 'no'} |`;
    const nested = child.properties ? fields(child, path) : [];
    return [row, ...nested];
  });
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
  const detail =
    schema.format ?? (schema.pattern ? `\`${schema.pattern.replace(/\|/g, '\\|')}\`` : undefined);
  return detail ? `${type} (${detail})` : type;
}
