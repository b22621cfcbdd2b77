export * from './mail.module.js';
export * from './smtp-mailer.js';
