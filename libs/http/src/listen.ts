import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Binds the HTTP port and logs `listening on port N` once the socket accepts connections.
 * Nest's own "Nest application successfully started" comes from `init()`, before the port is
 * bound, so it cannot tell a supervisor or a test that requests will be answered.
 */
export async function listenOn(app: NestFastifyApplication, port: number, host = '0.0.0.0'): Promise<void> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const bound = typeof address === 'object' && address ? address.port : port;
  new Logger('HttpServer').log(`listening on port ${bound}`);
}
