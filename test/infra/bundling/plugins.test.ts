import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtinsByRequire,
  lambdaCredentials,
  sdkSchemaKeys,
  servicePorts,
} from '../../../infra/bundling/plugins';

/** Bundles `entry` (a file of the scratch folder) with one plugin; resolves to the build's errors. */
async function errorsOf(root: string, entry: string, plugin: Plugin): Promise<string[]> {
  try {
    await build({
      entryPoints: [path.join(root, entry)],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [plugin],
    });
    return [];
  } catch (error) {
    return (error as { errors: { text: string }[] }).errors.map((e) => e.text);
  }
}

describe('the function bundles’ plugins fail the build when they match nothing', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'kismo-plugins-'));
    write('plain.mjs', 'export const answer = 42;\n');
    write('uses-fs.mjs', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    // An SDK client that no longer imports the node credential chain, and one whose schemas
    // carry literal keys already: what the plugins would meet after an SDK change.
    write(
      'node_modules/@aws-sdk/client-moved/package.json',
      '{ "name": "@aws-sdk/client-moved", "main": "index.js" }',
    );
    write('node_modules/@aws-sdk/client-moved/index.js', 'export const send = () => 1;\n');
    write('client.mjs', "export { send } from '@aws-sdk/client-moved';\n");
    write(
      'node_modules/@aws-sdk/client-literal/package.json',
      '{ "name": "@aws-sdk/client-literal", "module": "dist-es/index.js" }',
    );
    write(
      'node_modules/@aws-sdk/client-literal/dist-es/index.js',
      "export * from './schemas/schemas_0.js';\n",
    );
    write(
      'node_modules/@aws-sdk/client-literal/dist-es/schemas/schemas_0.js',
      'export const Op = { ["Name"]: 1 };\n',
    );
    write('literal.mjs', "export { Op } from '@aws-sdk/client-literal';\n");
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('builtinsByRequire: a bundle that imports no built-in', async () => {
    // Act
    const plain = await errorsOf(root, 'plain.mjs', builtinsByRequire);
    const usesFs = await errorsOf(root, 'uses-fs.mjs', builtinsByRequire);

    // Assess
    expect(plain).toEqual([
      expect.stringMatching(/^kismo-builtins-by-require: no import of a Node built-in/),
    ]);
    expect(usesFs).toEqual([]);
  });

  it('lambdaCredentials: an SDK client that no longer imports the node credential chain', async () => {
    // Act
    const moved = await errorsOf(root, 'client.mjs', lambdaCredentials);
    const noClient = await errorsOf(root, 'plain.mjs', lambdaCredentials);

    // Assess
    expect(moved).toEqual([expect.stringMatching(/^kismo-lambda-credentials: .*has the SDK moved it\?/)]);
    expect(noClient).toEqual([]);
  });

  it('sdkSchemaKeys: schema files that key by literals already', async () => {
    // Act
    const errors = await errorsOf(root, 'literal.mjs', sdkSchemaKeys);

    // Assess
    expect(errors).toEqual([expect.stringMatching(/^kismo-sdk-schema-keys: .*this plugin can go/)]);
  });

  it('servicePorts: a function that never reaches the list of port makers', async () => {
    // Act
    const errors = await errorsOf(root, 'plain.mjs', servicePorts(['objects']));

    // Assess
    expect(errors).toEqual([
      expect.stringMatching(/^kismo-service-ports: .*port-makers\.ts was loaded 0 times/),
    ]);
  });
});
