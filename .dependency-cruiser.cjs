/**
 * The dependency direction, checked in `npm test` (`npm run deps`):
 *   contracts ← services/kit ← services/shared, userdata ← services/<name> ← infra, cli
 * Each layer imports only the layers below it; type-only imports count.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const layer = (name, comment, from, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { couldNotResolve: false, dependencyTypesNot: ['core'], pathNot: [...allowed, '(^|/)node_modules/'] },
});

module.exports = {
  forbidden: [
    layer('contracts-only-contracts', 'contracts/ import only contracts/ (and npm packages)', '^contracts/', [
      '^contracts/',
    ]),
    layer(
      'kit-below-the-domain',
      'services/kit/, the framework, imports only contracts/ and itself',
      '^services/kit/',
      ['^contracts/', '^services/kit/'],
    ),
    layer(
      'shared-below-the-services',
      'services/shared/ and userdata/ import contracts/, services/kit/, services/shared/ and userdata/',
      '^(services/shared|userdata)/',
      ['^contracts/', '^services/(kit|shared)/', '^userdata/'],
    ),
    layer(
      'a-service-stays-in-its-folder',
      'a service imports contracts/, services/kit/, services/shared/, userdata/ and its own folder: never another service',
      '^services/(?!kit/|shared/)([^/]+)/',
      ['^contracts/', '^services/(kit|shared)/', '^userdata/', '^services/$1/'],
    ),
    {
      name: 'cli-hosts-only-the-local-cloud',
      comment: 'cli/ may host infra/local/ (kismo dev), never the CDK app or its bundling',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^infra/', pathNot: '^infra/local/' },
    },
    {
      name: 'infra-never-the-cli',
      comment: 'infra/ is deployed or hosted; it does not import the CLI',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^cli/' },
    },
    {
      name: 'product-never-tests-or-scripts',
      comment: 'what ships does not import test/ or scripts/',
      severity: 'error',
      from: { path: '^(contracts|services|userdata|infra|cli)/' },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'every-import-resolves',
      comment: 'an import that does not resolve would hide a dependency from these rules',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7.0 has no JavaScript API for dependency-cruiser to parse with; swc reads
    // TypeScript itself and keeps type-only imports.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^cli/dist/' },
    // Subpath exports (`@aws-lambda-powertools/logger/middleware`) resolve only with these.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
