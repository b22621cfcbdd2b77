import { Module } from '@nestjs/common';
import { Mailer } from '@app/domain';
import { SmtpMailer } from './smtp-mailer.js';

/** Provides the `Mailer` port over SMTP. */
@Module({
  providers: [{ provide: Mailer, useClass: SmtpMailer }],
  exports: [Mailer],
})
export class MailModule {}
