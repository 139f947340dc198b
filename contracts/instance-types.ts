/**
 * The instance types a deployment allows unless its configuration lists others: the services'
 * default (`services/kit/config.ts`), and what the CLI offers a profile that names none.
 */
export const DEFAULT_INSTANCE_TYPES: readonly string[] = ['g4dn.xlarge', 'g5.xlarge', 'p3.2xlarge'];
