import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { auditActor, type Principal } from '../auth/principal';
import { ApiRoute, type RouteFailure } from '../platform/api-route.decorator';
import { ApproveNotificationsDto } from './approve-notifications.dto';
import { AssessIncidentDto } from './assess-incident.dto';
import { DeclareIncidentDto } from './declare-incident.dto';
import { DeclaredIncidentResponse, IncidentResponse, IncidentStatusResponse } from './incident-responses';
import { IncidentReasonDto } from './incident-reason.dto';
import { IncidentsService } from './incidents.service';

/** What every change of an incident (a workflow Update) can answer besides success. */
const UPDATE_FAILURES: RouteFailure[] = [
  { status: 400, description: 'The reference is not like IR-000042, a field is invalid, or names tenants that do not exist' },
  { status: 404, description: 'No such incident' },
  { status: 409, description: 'The incident does not take this change now (the workflow says why), or it has ended' },
  { status: 503, description: 'The workflow did not answer in time; try again' },
];

/** Personal data breaches, for platform operators: each one a breach notification workflow. */
@ApiTags('incidents')
@ApiBearerAuth()
@OperatorOnly()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Declare a breach; notifications are due 72 h after awareness (T0), which may be in the past',
    description: 'Starts the breach notification workflow: it reminds the owner as the deadline nears, and after assessment and approval notifies each affected tenant\'s admins and records the regulator notice.',
    success: { status: 201, description: 'The incident and its deadline', type: DeclaredIncidentResponse },
    errors: [
      { status: 400, description: 'A field is invalid, or awarenessAt is in the future' },
      { status: 503, description: 'The workflow could not be started; declare it again' },
    ],
  })
  declare(@CurrentPrincipal() caller: Principal, @Body() body: DeclareIncidentDto) {
    return this.incidents.declare(body, auditActor(caller));
  }

  @Get(':ref')
  @ApiRoute({
    summary: 'The incident, time remaining, tenants notified and pending, and its timeline',
    description: 'The live state of the breach notification workflow, read by its queries.',
    success: { status: 200, description: 'The incident', type: IncidentStatusResponse },
    errors: [
      { status: 400, description: 'The reference is not like IR-000042' },
      { status: 404, description: 'No such incident' },
      { status: 503, description: 'The workflow did not answer in time; try again' },
    ],
  })
  get(@Param('ref') ref: string) {
    return this.incidents.get(ref);
  }

  @Post(':ref/assessment')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Change the assessment: affected tenants ("all" or ids), data categories, notifiable, containment, ...',
    description: 'Only the fields sent change; each change is audited with who made it.',
    success: { status: 200, description: 'The incident after the change', type: IncidentResponse },
    errors: UPDATE_FAILURES,
  })
  assess(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: AssessIncidentDto) {
    return this.incidents.assess(ref, body, auditActor(caller));
  }

  @Post(':ref/approval')
  @HttpCode(200)
  @ApiRoute({
    summary: "Approve the notices: each affected tenant's admins and the regulator notice record",
    description: 'Lets the workflow send the notices. After the 72-hour deadline a delay reason is needed (here, or given before).',
    success: { status: 200, description: 'The incident after approval', type: IncidentResponse },
    errors: UPDATE_FAILURES,
  })
  approve(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: ApproveNotificationsDto) {
    return this.incidents.approve(ref, body.delayReason, auditActor(caller));
  }

  @Post(':ref/delay-reason')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Give the reason notifications are (or will be) later than 72 hours (GDPR Art. 33(1))',
    description: 'Records why notification is late; it goes with the notices and into the audit trail.',
    success: { status: 200, description: 'The incident with its delay reason', type: IncidentResponse },
    errors: UPDATE_FAILURES,
  })
  explainDelay(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: IncidentReasonDto) {
    return this.incidents.explainDelay(ref, body.reason, auditActor(caller));
  }

  @Post(':ref/closure')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Close an incident assessed as not notifiable',
    description: 'Ends the workflow with the outcome closed_not_notifiable and the reason given.',
    success: { status: 200, description: 'The incident, closed', type: IncidentResponse },
    errors: UPDATE_FAILURES,
  })
  close(@CurrentPrincipal() caller: Principal, @Param('ref') ref: string, @Body() body: IncidentReasonDto) {
    return this.incidents.close(ref, body.reason, auditActor(caller));
  }
}
