import { Module } from '@nestjs/common';
import { MailModule } from '@app/mail';
import { EmailHandler } from '@app/workflow';
import { EmailProcessor } from './email.processor.js';

@Module({
  imports: [MailModule],
  providers: [EmailHandler, EmailProcessor],
})
export class EmailJobModule {}
