import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorators';
import { ApiRoute } from '../platform/api-route.decorator';
import { SECURITY_REPORT_PAGE, SECURITY_REPORT_PAGE_CSP } from './security-report-page';

@ApiTags('security-reports')
@Controller('security-report')
export class SecurityReportPageController {
  @Get()
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', SECURITY_REPORT_PAGE_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiRoute({
    summary: 'A plain form for reporting a vulnerability; it posts to /v1/security-reports',
    description: 'An HTML page for people without an API client: a form with the fields of POST /v1/security-reports, under a strict Content-Security-Policy.',
    success: { status: 200, description: 'The page', media: { 'text/html': '<!doctype html><html lang="en"><head><title>Report a vulnerability</title>…</head><body><form>…</form></body></html>' } },
  })
  page(): string {
    return SECURITY_REPORT_PAGE;
  }
}
