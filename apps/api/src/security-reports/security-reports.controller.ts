import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly, Public } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { auditActor, type Principal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { AcknowledgeSecurityReportDto } from './acknowledge-security-report.dto';
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
  @ApiOperation({ summary: 'Report a vulnerability (no key needed): a triage ticket and its reference at once' })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  @ApiResponse({ status: 429, type: ApiErrorBody, description: 'Too many reports from this address; see Retry-After' })
  submit(@Body() body: SubmitSecurityReportDto) {
    return this.reports.submit(body);
  }

  @Get(':ref')
  @OperatorOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A report with its triage ticket and acknowledgement deadline (operators)' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@Param('ref') ref: string) {
    return this.reports.get(ref);
  }

  @Post(':ref/acknowledgement')
  @HttpCode(200)
  @OperatorOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Acknowledge a report: the reporter is told and the ticket is triaged (operators)' })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'Already acknowledged' })
  acknowledge(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: AcknowledgeSecurityReportDto) {
    return this.reports.acknowledge(ref, body.message, auditActor(caller));
  }
}
