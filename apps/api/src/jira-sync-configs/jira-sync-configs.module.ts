import { Module } from '@nestjs/common';
import { JiraSyncModule } from '../jira-sync/jira-sync.module';
import { JiraSyncConfigsController } from './jira-sync-configs.controller';
import { JiraSyncConfigsService } from './jira-sync-configs.service';

@Module({ imports: [JiraSyncModule], controllers: [JiraSyncConfigsController], providers: [JiraSyncConfigsService] })
export class JiraSyncConfigsModule {}
