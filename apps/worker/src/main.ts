import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { listenOn } from '@app/http';
import { createWorkerApp } from './worker.app.js';

const config = loadConfigOrExit();
const app = await createWorkerApp(config);
await listenOn(app, config.workerHttpPort);
