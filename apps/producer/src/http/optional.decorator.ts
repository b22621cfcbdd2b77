import { ValidateIf } from 'class-validator';

/**
 * An optional body field: absent is fine, but `null` is validated like any other value (and so
 * refused). class-validator's `@IsOptional()` also skips `null`, which would take
 * `{"eventId": null}` for "generate one" and `{"delayMs": null}` for "no delay".
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
