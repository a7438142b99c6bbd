import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OperatorOnly, Public } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { auditActor, type Principal } from '../auth/principal';
import { ApiRoute } from '../platform/api-route.decorator';
import { AcknowledgeSecurityReportDto } from './acknowledge-security-report.dto';
import { ReportAcknowledgementResponse, SecurityReportReceiptResponse, SecurityReportResponse } from './security-report-responses';
import { SecurityReportThrottlerGuard } from './security-report-throttler.guard';
import { SecurityReportsService } from './security-reports.service';
import { SubmitSecurityReportDto } from './submit-security-report.dto';

@ApiTags('security-reports')
@Controller('v1/security-reports')
export class SecurityReportsController {
  constructor(private readonly reports: SecurityReportsService) {}

  @Post()
  @HttpCode(201)
  @Public()
  @UseGuards(SecurityReportThrottlerGuard)
  @ApiRoute({
    summary: 'Report a vulnerability (no key needed): a triage ticket and its reference at once',
    description: 'Opens a triage ticket for the security desk and starts a workflow that reminds and escalates until the report is acknowledged; the reporter is told when it is. Rate limited per client address.',
    success: { status: 201, description: 'The reference and the acknowledgement deadline', type: SecurityReportReceiptResponse },
    errors: [
      { status: 400, description: 'A field is missing or invalid' },
      { status: 429, description: 'Too many reports from this address; see Retry-After' },
      { status: 503, description: 'The report was stored but the security team could not be alerted; try again later' },
    ],
  })
  submit(@Body() body: SubmitSecurityReportDto) {
    return this.reports.submit(body);
  }

  @Get(':ref')
  @OperatorOnly()
  @ApiBearerAuth()
  @ApiRoute({
    summary: 'A report with its triage ticket and acknowledgement deadline (operators)',
    description: "The report, its triage ticket's status, the deadline, and its workflow's reminders, escalations and acknowledgement.",
    success: { status: 200, description: 'The report', type: SecurityReportResponse },
    errors: [
      { status: 400, description: 'The reference is not like CT-000123' },
      { status: 404, description: 'No such report' },
    ],
  })
  get(@Param('ref') ref: string) {
    return this.reports.get(ref);
  }

  @Post(':ref/acknowledgement')
  @HttpCode(200)
  @OperatorOnly()
  @ApiBearerAuth()
  @ApiRoute({
    summary: 'Acknowledge a report: the reporter is told and the ticket is triaged (operators)',
    description: 'Records the acknowledgement (on time or not), emails the reporter with the optional message, and moves the triage ticket on.',
    success: { status: 200, description: 'The acknowledgement', type: ReportAcknowledgementResponse },
    errors: [
      { status: 400, description: 'The reference is not like CT-000123, or the message is too long' },
      { status: 404, description: 'No such report' },
      { status: 409, description: 'Already acknowledged' },
    ],
  })
  acknowledge(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: AcknowledgeSecurityReportDto) {
    return this.reports.acknowledge(ref, body.message, auditActor(caller));
  }
}
