import { Module } from '@nestjs/common';
import { JiraSyncConfigsController } from './jira-sync-configs.controller';
import { JiraSyncConfigsService } from './jira-sync-configs.service';

@Module({ controllers: [JiraSyncConfigsController], providers: [JiraSyncConfigsService] })
export class JiraSyncConfigsModule {}
