import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators';
import { SECURITY_REPORT_PAGE, SECURITY_REPORT_PAGE_CSP } from './security-report-page';

@ApiTags('security-reports')
@Controller('security-report')
export class SecurityReportPageController {
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', SECURITY_REPORT_PAGE_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'A plain form for reporting a vulnerability; it posts to /v1/security-reports' })
  page(): string {
    return SECURITY_REPORT_PAGE;
  }
}
