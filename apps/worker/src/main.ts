import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { createWorkerApp } from './worker.app.js';

const config = loadConfigOrExit();
const app = await createWorkerApp(config);
await app.listen(config.workerHttpPort, '0.0.0.0');
