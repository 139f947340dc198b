import { gunzipSync } from 'node:zlib';

/** The bootstrap script a user data holds: itself, or the script inside its gzip wrapper. */
export function bootstrapOf(userData: string): string {
  const lines = userData.split('\n');
  const start = lines.findIndex((l) => l.includes("<<'KISMO_GZIP'"));
  if (start === -1) return userData;
  const payload = lines.slice(start + 1, lines.indexOf('KISMO_GZIP'));
  return gunzipSync(Buffer.from(payload.join(''), 'base64')).toString('utf8');
}
