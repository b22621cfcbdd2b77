import { IsIdentifier } from '../field-rules.js';

/** An OTA firmware update `eventId` on device `deviceUuid` has reached its deadline. */
export class OtaTimeoutPayload {
  @IsIdentifier()
  eventId!: string;

  @IsIdentifier()
  deviceUuid!: string;
}
