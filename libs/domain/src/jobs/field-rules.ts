import { applyDecorators } from './decorators.js';
import { IsString, Length, Matches } from 'class-validator';

/** `[A-Za-z0-9._:-]`, 1..128 characters: the shape of event ids and device ids. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** An event or device identifier (`EVT-001`, `DEV-123`). */
export function IsIdentifier(): PropertyDecorator {
  return applyDecorators(IsString(), Length(1, 128), Matches(IDENTIFIER_PATTERN));
}

/** A string of `min..max` characters. */
export function IsText(min: number, max: number): PropertyDecorator {
  return applyDecorators(IsString(), Length(min, max));
}
