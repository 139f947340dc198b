/**
 * The instance types a deployment allows unless its configuration lists others. Its own module, so
 * the CLI learns them without building the whole configuration schema.
 */
export const DEFAULT_INSTANCE_TYPES: readonly string[] = ['g4dn.xlarge', 'g5.xlarge', 'p3.2xlarge'];
