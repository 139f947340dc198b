import { describe, expect, it } from 'vitest';
import { kismoEvents } from '../../../contracts/catalog';
import { instanceReady } from '../../../contracts/events/instance-ready';
import { registrySchema, registrySchemaName, toDraft04 } from '../../../infra/aws/schema-registry';

/** Keywords draft 4 does not know: the registry would not validate with them. */
const LATER_KEYWORDS = ['const', '$defs', '$id', 'prefixItems', 'dependentRequired', 'unevaluatedProperties'];

function keywordsOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) keywordsOf(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'properties') found.add(key);
      keywordsOf(key === 'properties' ? Object.values(value as object) : value, found);
    }
  }
  return found;
}

describe('the schema registry’s documents', () => {
  it('are the catalog’s JSON Schemas written down to draft 4', () => {
    for (const contract of kismoEvents) {
      // Act
      const schema = registrySchema(contract);

      // Assess
      expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(
        [...keywordsOf(schema)].filter((k) => LATER_KEYWORDS.includes(k)),
        contract.name,
      ).toEqual([]);
    }
  });

  it('keep the envelope’s source and detail-type as one-value enums', () => {
    // Act
    const schema = registrySchema(instanceReady) as { properties: Record<string, unknown>; id: string };

    // Assess
    expect(schema.properties.source).toEqual({ enum: ['kismo'] });
    expect(schema.properties['detail-type']).toEqual({ enum: ['Instance Ready'] });
    expect(schema.id).toBe('https://kismo.dev/events/kismo/instance-ready/v1.json');
  });

  it('rewrite exclusive bounds and definitions into draft 4’s forms, leaving field names alone', () => {
    // Prepare
    const later = {
      $defs: { size: { type: 'number', exclusiveMinimum: 0 } },
      properties: { const: { $ref: '#/$defs/size' }, ratio: { exclusiveMaximum: 1 } },
    };

    // Act
    const draft4 = toDraft04(later);

    // Assess
    expect(draft4).toEqual({
      definitions: { size: { type: 'number', minimum: 0, exclusiveMinimum: true } },
      properties: { const: { $ref: '#/definitions/size' }, ratio: { maximum: 1, exclusiveMaximum: true } },
    });
  });

  it('are named source@DetailType-vN, as registry names allow', () => {
    // Act
    const names = kismoEvents.map(registrySchemaName);

    // Assess
    expect(names).toContain('kismo@InstanceReady-v1');
    for (const name of names) expect(name).toMatch(/^[\w.@-]{1,385}$/);
    expect(new Set(names).size).toBe(names.length);
  });
});
