import * as z from 'zod';
import type { Contract } from './contract';

/** The JSON Schema (draft 2020-12) of a whole event as EventBridge delivers it, for the schema registry and docs. */
export function eventJsonSchema(contract: Contract): Record<string, unknown> {
  const detail = z.toJSONSchema(contract.detail, { io: 'input', unrepresentable: 'any' });
  const { $schema, ...detailSchema } = detail;
  return {
    $schema,
    $id: `https://kismo.dev/events/${contract.source}/${slug(contract.detailType)}${contract.version ? `/v${contract.version}` : ''}.json`,
    title: contract.name,
    description: contract.description,
    type: 'object',
    required: ['source', 'detail-type', 'detail'],
    properties: {
      source: { const: contract.source },
      'detail-type': { const: contract.detailType },
      detail: detailSchema,
    },
  };
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
