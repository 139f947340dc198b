import { Logger } from '@aws-lambda-powertools/logger';
import type { CorrelationKeys } from '../../contracts/kit/correlation';

/**
 * The one logger of kismo's services. Level from POWERTOOLS_LOG_LEVEL; JSON always. Each record
 * gets a child logger carrying its correlation keys, so records handled side by side never mix keys.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'kismo' });

export function serviceLogger(service: string): Logger {
  return logger.createChild({ serviceName: service });
}

export function recordLogger(parent: Logger, keys: CorrelationKeys & { messageId?: string }): Logger {
  const child = parent.createChild();
  child.appendPersistentKeys(Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)));
  return child;
}

export type { Logger };
