import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { JobDefinition } from '../jobs/job-definition.js';
import { jsonShapeProblem } from './json-shape.js';

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/** One broken rule: `property` is a field path (`deviceUuid`, `tags.0`); "" is the payload itself. */
export interface PayloadProblem {
  readonly property: string;
  /** What is wrong, after the field name: "must match …", "should not exist". */
  readonly problem: string;
  /** Unknown fields read "property x should not exist", as class-validator words it. */
  readonly unknownField?: boolean;
}

/** A payload broke its job type's rules; each message names its field (`deviceUuid must match …`). */
export class PayloadValidationError extends Error {
  /** One message per problem, each starting with its field path. */
  readonly messages: readonly string[];

  constructor(readonly problems: readonly PayloadProblem[]) {
    const messages = renderProblems(problems, '');
    super(messages.join('; '));
    this.name = 'PayloadValidationError';
    this.messages = messages;
  }

  /** The messages with every field path put under `prefix` (`data.` → `data.deviceUuid must …`). */
  withPrefix(prefix: string): string[] {
    return renderProblems(this.problems, prefix);
  }
}

/** At most this many messages: a payload with 1 000 bad fields is not worth 1 000 lines. */
const MAX_MESSAGES = 20;
/** Field names are the sender's text: long ones are cut short in messages (and so in logs). */
const MAX_PATH_LENGTH = 100;

function renderProblems(problems: readonly PayloadProblem[], prefix: string): string[] {
  const messages = problems.slice(0, MAX_MESSAGES).map(({ property, problem, unknownField }) => {
    const full = property === '' ? prefix.replace(/\.$/, '') || 'payload' : `${prefix}${property}`;
    const path = full.length > MAX_PATH_LENGTH ? `${full.slice(0, MAX_PATH_LENGTH)}…` : full;
    return unknownField ? `property ${path} ${problem}` : `${path} ${problem}`;
  });
  const more = problems.length - messages.length;
  return more > 0 ? [...messages, `and ${more} more problem(s)`] : messages;
}

/**
 * Checks `raw` against the job type's payload class and returns a typed instance.
 * Unknown fields are refused, not silently dropped: a misspelt field is a caller bug.
 */
export function parsePayload<P extends object>(definition: JobDefinition<string, P>, raw: unknown): P {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PayloadValidationError([{ property: '', problem: 'must be a JSON object' }]);
  }
  const shape = jsonShapeProblem(raw);
  if (shape) throw new PayloadValidationError([shape]);
  const instance = plainToInstance(definition.payload, raw);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    throw new PayloadValidationError(flattenValidationErrors(errors));
  }
  return instance;
}

/** class-validator's error tree as a flat list of problems with full field paths. */
export function flattenValidationErrors(errors: readonly ValidationError[], parentPath = ''): PayloadProblem[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message): PayloadProblem => {
      // class-validator starts a message with the bare property name, or with "property <name>".
      if (message.startsWith(`${error.property} `)) {
        return { property: path, problem: message.slice(error.property.length + 1) };
      }
      if (message.startsWith(`property ${error.property} `)) {
        return { property: path, problem: message.slice(`property ${error.property} `.length), unknownField: true };
      }
      return { property: path, problem: `is invalid: ${message}` };
    });
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}
