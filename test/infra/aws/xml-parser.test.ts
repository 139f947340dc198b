import { parseXML as sdkParseXML } from '@aws-sdk/xml-builder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXML } from '../../../infra/aws/xml-parser';

/** What a parser makes of a document: its result with every own key in order, or its error. */
function outcome(parse: (xml: string) => unknown, xml: string): string {
  try {
    return `ok ${JSON.stringify(parse(xml))}`;
  } catch (error) {
    return `error ${(error as Error).message}`;
  }
}

const names = fc.constantFrom('Key', 'Size', 'ETag', 'Contents', 'item', 'a', '__proto__', 'x:y');
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\n', '\r\n', '\t', '"', "'", 'é', '日') }),
      fc.constantFrom(
        '&amp;',
        '&lt;',
        '&gt;',
        '&quot;',
        '&apos;',
        '&#x41;',
        '&#65;',
        '&nope;',
        '&#xFFFFFF;',
        '&',
      ),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const attributes = fc
  .array(fc.tuple(fc.constantFrom('id', 'xmlns', '__proto__', 'b'), text, fc.constantFrom('"', "'")), {
    maxLength: 3,
  })
  .map((list) => list.map(([name, value, q]) => ` ${name}=${q}${value.replaceAll(q, '')}${q}`).join(''));
const { element } = fc.letrec((tie) => ({
  element: fc
    .tuple(
      names,
      attributes,
      fc.boolean(),
      fc.array(tie('node') as fc.Arbitrary<string>, { maxLength: 4 }),
      fc.constantFrom('', ' ', '\n  '),
    )
    .map(([name, attrs, empty, children, space]) =>
      empty && children.length === 0
        ? `<${name}${attrs}/>`
        : `<${name}${attrs}>${children.join('')}</${name}${space}>`,
    ),
  node: fc.oneof(
    { depthSize: 'small' },
    text,
    text.map((t) => `<![CDATA[${t.replaceAll(']]>', '')}]]>`),
    fc.constant('<!-- a comment -->'),
    fc.constant('<?pi x?>'),
    tie('element') as fc.Arbitrary<string>,
  ),
}));
const documents = fc
  .tuple(
    fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n', '<!DOCTYPE a [<!ENTITY x "y">]>'),
    element,
  )
  .map(([prolog, root]) => `${prolog}${root}`);

function listObjectsPage(keys: number): string {
  const contents = Array.from(
    { length: keys },
    (_, i) =>
      `<Contents><Key>users/ada/datasets/d/part-${i % 7}/file &amp; ${i}.bin</Key><LastModified>2026-11-28T10:00:00.000Z</LastModified><ETag>&quot;${i.toString(16).padStart(32, '0')}&quot;</ETag><ChecksumAlgorithm>SHA256</ChecksumAlgorithm><Size>${i * 13}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>kismo-data</Name><Prefix>users/ada/datasets/d/</Prefix><KeyCount>${keys}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>${contents}<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>`;
}

describe("kismo's XML parser, in the bundles in place of the SDK's", () => {
  it('gives what the SDK’s parser gives on generated documents', () => {
    fc.assert(
      fc.property(documents, (xml) => {
        expect(outcome(parseXML, xml)).toBe(outcome(sdkParseXML, xml));
      }),
      { numRuns: 2000 },
    );
  });

  it('fails where the SDK’s parser fails, with the same message', () => {
    const alphabet = fc.constantFrom(
      '<',
      '>',
      '/',
      '=',
      '"',
      "'",
      '&',
      ';',
      '!',
      '[',
      ']',
      '-',
      '?',
      'a',
      ' ',
      '\n',
      '\r',
    );
    const mangled = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 40 }),
      fc
        .tuple(documents, fc.nat(), fc.nat())
        .map(([xml, a, b]) => xml.slice(a % (xml.length + 1), (b % (xml.length + 1)) + 1)),
      fc
        .tuple(documents, fc.nat())
        .map(([xml, at]) => `${xml.slice(0, at % (xml.length + 1))}<${xml.slice(at % (xml.length + 1))}`),
    );
    fc.assert(
      fc.property(mangled, (xml) => {
        expect(outcome(parseXML, xml)).toBe(outcome(sdkParseXML, xml));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a full ListObjectsV2 page and an EC2 DescribeInstances answer as the SDK does', () => {
    const ec2 = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
    <reservationSet>
        <item><reservationId>r-1234567890abcdef0</reservationId><instancesSet><item><instanceId>i-1234567890abcdef0</instanceId><instanceState><code>16</code><name>running</name></instanceState><tagSet><item><key>kismo:owner</key><value>ada</value></item><item><key>kismo:session</key><value>20261128T100000Z-abc</value></item></tagSet></item></instancesSet></item>
    </reservationSet>
</DescribeInstancesResponse>`;
    for (const xml of [listObjectsPage(1000), ec2, ec2.replaceAll('\n', '\r\n')]) {
      expect(outcome(parseXML, xml)).toBe(outcome(sdkParseXML, xml));
    }
  });
});
