import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { listenOn } from '@app/http';
import { createProducerApp } from './producer.app.js';

const config = loadConfigOrExit();
const app = await createProducerApp(config);
await listenOn(app, config.port);
