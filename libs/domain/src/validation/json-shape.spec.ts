import { describe, expect, it } from '@jest/globals';
import { jsonShapeMessage as jsonInputProblem, MAX_JSON_DEPTH, MAX_JSON_FIELDS } from './json-shape.js';

/** A value nested `depth` arrays deep. */
const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('jsonShapeMessage', () => {
  it.each([
    ['a scalar', 'text'],
    ['null', null],
    ['a request body of this API', { jobs: [{ data: { eventId: 'E', tags: ['a'] }, delayMs: 5 }] }],
    ['the deepest accepted value', nested(MAX_JSON_DEPTH - 1)],
    ['the most fields accepted', Object.fromEntries(Array.from({ length: MAX_JSON_FIELDS }, (_, i) => [`k${i}`, i]))],
    ['a value that merely contains a reserved name', { note: 'constructor' }],
  ])('finds nothing wrong with %s', (_case, value) => {
    expect(jsonInputProblem(value)).toBeUndefined();
  });

  it('names the path where nesting goes too deep, without overflowing the stack', () => {
    expect(jsonInputProblem({ data: { x: nested(100_000) } })).toBe(
      `data.x${'.0'.repeat(MAX_JSON_DEPTH - 2)} nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
    expect(jsonInputProblem(nested(MAX_JSON_DEPTH + 1))).toMatch(/ nests deeper than 32 levels$/);
  });

  it('names the object with too many fields', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_JSON_FIELDS + 1 }, (_, i) => [`k${i}`, i]));
    expect(jsonInputProblem({ jobs: [{ data: wide }] })).toBe(`jobs.0.data has ${MAX_JSON_FIELDS + 1} fields; at most ${MAX_JSON_FIELDS} are accepted`);
    expect(jsonInputProblem(wide)).toBe(`body has ${MAX_JSON_FIELDS + 1} fields; at most ${MAX_JSON_FIELDS} are accepted`);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'])(
    'refuses a field named %s, wherever it is',
    (name) => {
      expect(jsonInputProblem(JSON.parse(`{"${name}": 1}`))).toBe(`property ${name} should not exist`);
      expect(jsonInputProblem(JSON.parse(`{"jobs": [{"data": {"${name}": {}}}]}`))).toBe(`property jobs.0.data.${name} should not exist`);
    },
  );
});
