import { IsEmail, Matches } from 'class-validator';
import { IsText } from '../field-rules.js';

/** A plain-text e-mail to one recipient. */
export class EmailPayload {
  @IsEmail()
  to!: string;

  /** One header line: a line break here would let a caller forge headers. */
  @IsText(1, 998)
  @Matches(/^[^\r\n]*$/, { message: 'subject must not contain line breaks' })
  subject!: string;

  @IsText(1, 100_000)
  body!: string;
}
