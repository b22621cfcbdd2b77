import { Injectable, ServiceUnavailableException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { throwError, timeout, type Observable } from 'rxjs';

/** How long a request may wait on Redis before it is answered 503. */
export const REQUEST_TIMEOUT_MS = 1_800;

/** What a request is told while Redis cannot be reached. */
export const REDIS_UNAVAILABLE_MESSAGE = 'the job store (Redis) is unavailable; try again later';

/** What a request that ran out of time is told. */
export const REDIS_TIMEOUT_MESSAGE = 'the job store (Redis) did not answer in time; try again later';

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
          throwError(() => new ServiceUnavailableException(REDIS_TIMEOUT_MESSAGE)),
      }),
    );
  }
}
