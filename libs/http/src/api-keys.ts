import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The configured API keys, compared in constant time: both sides are hashed to equal length and
 * every key is compared, so neither a key's length nor its position leaks through timing.
 */
export class ApiKeys {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  matches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const presented = digest(candidate);
    let found = false;
    for (const known of this.digests) found = timingSafeEqual(known, presented) || found;
    return found;
  }

  /** The key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
  static fromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
    const authorization = headers.authorization;
    if (typeof authorization !== 'string') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
}
