import { jsonShapeMessage } from '@app/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

function clientError(statusCode: 400 | 415, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * Replaces Fastify's JSON body parser with one that also refuses, as 4xx naming the problem:
 * bodies in another charset than UTF-8 or compressed (415), and bodies `jsonShapeMessage` finds
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
    const problem = jsonShapeMessage(body);
    return problem ? done(clientError(400, problem), undefined) : done(null, body);
  });
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const problem = jsonShapeMessage(request.query);
    if (problem) await reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: [problem] });
  });
}
