import { Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { securityDeskConfigProvider } from './security-desk-config.provider';
import { SecurityReportPageController } from './security-report-page.controller';
import { SecurityReportThrottlerGuard } from './security-report-throttler.guard';
import { SecurityReportsController } from './security-reports.controller';
import { SecurityReportsService } from './security-reports.service';

@Module({
  controllers: [SecurityReportsController, SecurityReportPageController],
  providers: [securityDeskConfigProvider, ThrottlerStorageService, SecurityReportThrottlerGuard, SecurityReportsService],
})
export class SecurityReportsModule {}
