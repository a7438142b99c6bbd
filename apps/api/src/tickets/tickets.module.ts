import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import type { AppConfig } from '../../../../libs/config/app-config';
import { JiraSyncModule } from '../jira-sync/jira-sync.module';
import { APP_CONFIG } from '../platform/platform.module';
import { TicketAttachmentsController } from './ticket-attachments.controller';
import { TicketAttachmentsService } from './ticket-attachments.service';
import { TicketCommentsController } from './ticket-comments.controller';
import { TicketCommentsService } from './ticket-comments.service';
import { TicketEditsController } from './ticket-edits.controller';
import { TicketEditsService } from './ticket-edits.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  imports: [
    JiraSyncModule,
    // Uploads are held in memory (never on disk unencrypted) up to the configured cap: one file, nothing else.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.tickets.attachmentMaxBytes, files: 1, fields: 0, parts: 1 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [TicketsController, TicketEditsController, TicketCommentsController, TicketAttachmentsController],
  providers: [TicketsService, TicketEditsService, TicketCommentsService, TicketAttachmentsService],
})
export class TicketsModule {}
