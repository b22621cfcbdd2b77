export * from './api-keys.js';
export * from './app-logger.js';
export * from './request-timeout.interceptor.js';
export * from './secure-http-app.js';
export * from './listen.js';
export * from './strict-json.js';
