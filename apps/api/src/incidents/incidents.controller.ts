import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { auditActor, type Principal } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { ApproveNotificationsDto } from './approve-notifications.dto';
import { AssessIncidentDto } from './assess-incident.dto';
import { DeclareIncidentDto } from './declare-incident.dto';
import { IncidentReasonDto } from './incident-reason.dto';
import { IncidentsService } from './incidents.service';

/** Personal data breaches, for platform operators: each one a breach notification workflow. */
@ApiTags('incidents')
@ApiBearerAuth()
@OperatorOnly()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Declare a breach; notifications are due 72 h after awareness (T0), which may be in the past' })
  @ApiResponse({ status: 400, type: ApiErrorBody })
  declare(@CurrentPrincipal() caller: Principal, @Body() body: DeclareIncidentDto) {
    return this.incidents.declare(body, auditActor(caller));
  }

  @Get(':ref')
  @ApiOperation({ summary: 'The incident, time remaining, tenants notified and pending, and its timeline' })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  get(@Param('ref') ref: string) {
    return this.incidents.get(ref);
  }

  @Post(':ref/assessment')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the assessment: affected tenants ("all" or ids), data categories, notifiable, containment, ...' })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'The incident does not take this change now' })
  assess(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: AssessIncidentDto) {
    return this.incidents.assess(ref, body, auditActor(caller));
  }

  @Post(':ref/approval')
  @HttpCode(200)
  @ApiOperation({ summary: "Approve the notices: each affected tenant's admins and the regulator notice record" })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'Not assessed as notifiable yet, or a delay reason is needed' })
  approve(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: ApproveNotificationsDto) {
    return this.incidents.approve(ref, body.delayReason, auditActor(caller));
  }

  @Post(':ref/delay-reason')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give the reason notifications are (or will be) later than 72 hours (GDPR Art. 33(1))' })
  explainDelay(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: IncidentReasonDto) {
    return this.incidents.explainDelay(ref, body.reason, auditActor(caller));
  }

  @Post(':ref/closure')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close an incident assessed as not notifiable' })
  close(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: IncidentReasonDto) {
    return this.incidents.close(ref, body.reason, auditActor(caller));
  }
}
