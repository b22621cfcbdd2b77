import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { createProducerApp } from './producer.app.js';

const config = loadConfigOrExit();
const app = await createProducerApp(config);
await app.listen(config.port, '0.0.0.0');
