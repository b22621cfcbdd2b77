// Stands in for `content-disposition` under Jest only (see jest.config.js). Version 3 is ESM-only and
// @fastify/static (served by Swagger UI and Bull Board) `require`s it; Node 20.19+ loads that natively,
// Jest's module loader cannot before Node 24.9. Only `reply.download()` uses it, which nothing here calls.
/* global exports */
'use strict';

exports.create = function create() {
  throw new Error('content-disposition is not loadable under Jest on this Node version (test/support/content-disposition.cjs)');
};
