// fauxqs exports only its entry point; the local cloud needs its stores and SQLite persistence
// too (see fauxqs-server.ts), imported by path from the pinned version.
export { PersistenceManager } from '../../node_modules/fauxqs/dist/persistence.js';
export { S3Store } from '../../node_modules/fauxqs/dist/s3/s3Store.js';
export { SnsStore } from '../../node_modules/fauxqs/dist/sns/snsStore.js';
export { SqsStore } from '../../node_modules/fauxqs/dist/sqs/sqsStore.js';
