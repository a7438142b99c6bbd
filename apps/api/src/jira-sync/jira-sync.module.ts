import { Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../../../../libs/config/app-config';
import { JiraSyncSignals } from '../../../../libs/jira-sync/jira-sync-signals';
import { APP_CONFIG } from '../platform/platform.module';
import { JiraSyncStatusService } from './jira-sync-status.service';
import { JiraSyncController } from './jira-sync.controller';
import { JiraSyncStarter } from './jira-sync-starter';
import { JiraTicketChanges } from './jira-ticket-changes';
import { JiraWebhooksService } from './jira-webhooks.service';

@Module({
  controllers: [JiraSyncController],
  providers: [
    JiraWebhooksService,
    JiraSyncStatusService,
    JiraTicketChanges,
    JiraSyncStarter,
    { provide: JiraSyncSignals, useFactory: (client: Client, config: AppConfig) => new JiraSyncSignals(client, config.temporal.taskQueue), inject: [Client, APP_CONFIG] },
  ],
  exports: [JiraSyncSignals, JiraTicketChanges, JiraSyncStarter],
})
export class JiraSyncModule {}
