import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How deep a request body may nest; the API's own bodies nest four levels at most. */
export const MAX_JSON_DEPTH = 32;
/** How many fields one JSON object may have; the API's own objects have a handful. */
export const MAX_JSON_FIELDS = 1_000;

/**
 * Names no field of this API has, but which class-transformer treats specially: it skips keys
 * that are methods of the target class, so `{"toString": 1}` would slip past the unknown-field
 * check, and `__proto__`/`constructor`/`prototype` are the classic prototype-pollution keys.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * What is wrong with a parsed JSON value before it reaches validation, or `undefined`. Checked
 * without recursion: class-transformer recurses (a body nested 1 500 deep overflows the stack)
 * and is quadratic in the number of fields of one object (60 000 unknown fields take seconds).
 */
export function jsonInputProblem(value: unknown): string | undefined {
  const pending: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: '', depth: 0 }];
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (pending.length > 0) {
    const { node, path, depth } = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `${path || 'body'} nests deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(node)) {
      node.forEach((item, index) => pending.push({ node: item, path: at(path, String(index)), depth: depth + 1 }));
      continue;
    }
    const keys = Object.keys(node);
    if (keys.length > MAX_JSON_FIELDS) return `${path || 'body'} has ${keys.length} fields; at most ${MAX_JSON_FIELDS} are accepted`;
    for (const key of keys) {
      if (RESERVED_NAMES.has(key)) return `property ${at(path, key)} should not exist`;
      pending.push({ node: (node as Record<string, unknown>)[key], path: at(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

function clientError(statusCode: 400 | 415, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * Replaces Fastify's JSON body parser with one that also refuses, as 4xx naming the problem:
 * bodies in another charset than UTF-8 or compressed (415), and bodies `jsonInputProblem` finds
 * fault with (400). `__proto__` is then refused by name rather than as "not valid JSON". Query
 * strings get the same check. Fastify's `bodyLimit` still applies before any of this.
 */
export function useStrictJson(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(clientError(415, `charset ${charset} is not supported; send UTF-8`), undefined);
    }
    const encoding = request.headers['content-encoding']?.toLowerCase();
    if (encoding !== undefined && encoding !== 'identity') {
      return done(clientError(415, `content-encoding ${encoding} is not supported; send the body uncompressed`), undefined);
    }
    const source = (text as string).replace(/^\uFEFF/, '');
    if (source.trim() === '') return done(clientError(400, 'body is empty; send a JSON object'), undefined);
    let body: unknown;
    try {
      body = JSON.parse(source);
    } catch (error) {
      return done(clientError(400, `body is not valid JSON: ${(error as Error).message}`), undefined);
    }
    const problem = jsonInputProblem(body);
    return problem ? done(clientError(400, problem), undefined) : done(null, body);
  });
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const problem = jsonInputProblem(request.query);
    if (problem) await reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: [problem] });
  });
}
