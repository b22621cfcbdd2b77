export * from './handlers/alert.handler.js';
export * from './handlers/email.handler.js';
export * from './handlers/ota-timeout.handler.js';
export * from './job-handler.js';
export * from './ota-updates.service.js';
