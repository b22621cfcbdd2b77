import { AlertJob, type AlertPayload } from '@app/domain';
import { AlertHandler, type AlertResult } from '@app/workflow';
import { JobProcessor } from '../../processing/job-processor.decorator.js';
import { JobProcessorHost } from '../../processing/job-processor.host.js';

@JobProcessor(AlertJob)
export class AlertProcessor extends JobProcessorHost<AlertPayload, AlertResult> {
  constructor(handler: AlertHandler) {
    super(AlertJob, handler);
  }
}
