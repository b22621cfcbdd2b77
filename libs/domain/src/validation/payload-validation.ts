import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { JobDefinition } from '../jobs/job-definition.js';

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/** A payload broke its job type's rules; `problems` name each field (`deviceUuid must match …`). */
export class PayloadValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'PayloadValidationError';
  }

  /** The same problems with every field path put under `prefix` (`data.` → `data.deviceUuid …`). */
  withPrefix(prefix: string): string[] {
    return this.problems.map((problem) => `${prefix}${problem}`);
  }
}

/**
 * Checks `raw` against the job type's payload class and returns a typed instance.
 * Unknown fields are refused, not silently dropped: a misspelt field is a caller bug.
 */
export function parsePayload<P extends object>(definition: JobDefinition<string, P>, raw: unknown): P {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PayloadValidationError(['payload must be a JSON object']);
  }
  const instance = plainToInstance(definition.payload, raw);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    throw new PayloadValidationError(flattenValidationErrors(errors));
  }
  return instance;
}

/** `[{ property: 'a', children: [{ property: 'b', constraints }] }]` → `['a.b must …']`. */
export function flattenValidationErrors(errors: readonly ValidationError[], parentPath = ''): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      // class-validator starts each message with the bare property name; give the full path.
      message.startsWith(`${error.property} `) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
    );
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}
