import { OtaTimeoutJob, type OtaTimeoutPayload } from '@app/domain';
import { OtaTimeoutHandler, type OtaTimeoutResult } from '@app/workflow';
import { JobProcessor } from '../../processing/job-processor.decorator.js';
import { JobProcessorHost } from '../../processing/job-processor.host.js';

@JobProcessor(OtaTimeoutJob)
export class OtaTimeoutProcessor extends JobProcessorHost<OtaTimeoutPayload, OtaTimeoutResult> {
  constructor(handler: OtaTimeoutHandler) {
    super(OtaTimeoutJob, handler);
  }
}
