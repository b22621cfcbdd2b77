import type { PayloadProblem } from './payload-validation.js';

/** How deep a JSON value may nest; the API's own bodies nest four levels at most. */
export const MAX_JSON_DEPTH = 32;
/** How many fields one JSON object may have; the API's own objects have a handful. */
export const MAX_JSON_FIELDS = 1_000;

/**
 * Names no field of this service has, but which class-transformer treats specially: it skips keys
 * that are methods of the target class, so `{"toString": 1}` would slip past the unknown-field
 * check, and `__proto__`/`constructor`/`prototype` are the classic prototype-pollution keys.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * What is wrong with the shape of a parsed JSON value, before class-transformer sees it, or
 * `undefined`. Checked without recursion: class-transformer recurses (1 500 levels overflow the
 * stack) and is quadratic in the fields of one object (60 000 unknown fields take seconds, and
 * block the event loop meanwhile). `property` is the path, "" for the value itself.
 */
export function jsonShapeProblem(value: unknown): PayloadProblem | undefined {
  const pending: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: '', depth: 0 }];
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (pending.length > 0) {
    const { node, path, depth } = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { property: path, problem: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(node)) {
      node.forEach((item, index) => pending.push({ node: item, path: at(path, String(index)), depth: depth + 1 }));
      continue;
    }
    const keys = Object.keys(node);
    if (keys.length > MAX_JSON_FIELDS) {
      return { property: path, problem: `has ${keys.length} fields; at most ${MAX_JSON_FIELDS} are accepted` };
    }
    for (const key of keys) {
      if (RESERVED_NAMES.has(key)) return { property: at(path, key), problem: 'should not exist', unknownField: true };
      pending.push({ node: (node as Record<string, unknown>)[key], path: at(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/** `jsonShapeProblem` as one message naming its field; the value itself is called `root`. */
export function jsonShapeMessage(value: unknown, root = 'body'): string | undefined {
  const problem = jsonShapeProblem(value);
  if (!problem) return undefined;
  const path = problem.property || root;
  return problem.unknownField ? `property ${path} ${problem.problem}` : `${path} ${problem.problem}`;
}
