import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { listenOn } from './listen.js';

@Module({})
class EmptyModule {}

/** Whether a TCP connection to the port is accepted at this moment. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('listenOn', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await app?.close();
  });

  it('logs the bound port only once connections are accepted', async () => {
    app = await NestFactory.create<NestFastifyApplication>(EmptyModule, new FastifyAdapter(), { logger: false });
    const acceptedWhenLogged: boolean[] = [];
    let loggedPort = 0;
    jest.spyOn(Logger.prototype, 'log').mockImplementation(function (this: Logger, message: unknown) {
      const port = Number(/^listening on port (\d+)$/.exec(String(message))?.[1]);
      if (port) {
        loggedPort = port;
        // Checked synchronously from the log call: the socket must already be bound.
        acceptedWhenLogged.push(app!.getHttpServer().listening);
      }
    });

    await listenOn(app, 0, '127.0.0.1');

    expect(acceptedWhenLogged).toEqual([true]);
    expect(loggedPort).toBeGreaterThan(0);
    expect(loggedPort).toBe((app.getHttpServer().address() as AddressInfo).port);
    expect(await accepts(loggedPort)).toBe(true);
  });
});
