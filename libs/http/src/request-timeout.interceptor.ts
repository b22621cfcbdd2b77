import { Injectable, ServiceUnavailableException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { throwError, timeout, type Observable } from 'rxjs';

/** How long a request may wait on Redis before it is answered 503. */
export const REQUEST_TIMEOUT_MS = 1_800;

/**
 * Answers 503 instead of hanging: BullMQ waits for a connection that never came up (Redis down
 * at start-up) without a deadline of its own.
 */
@Injectable()
export class RequestTimeoutInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      timeout({
        first: REQUEST_TIMEOUT_MS,
        with: () =>
          throwError(() => new ServiceUnavailableException('the job store (Redis) did not answer in time; try again later')),
      }),
    );
  }
}
