import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { AppConfig } from '../../../../libs/config/app-config';
import {
  approveBreachNotificationsUpdate,
  assessBreachUpdate,
  BREACH_NOTIFICATION_DEADLINE_MS,
  BREACH_NOTIFICATION_WORKFLOW,
  breachIncidentQuery,
  breachNoticesQuery,
  breachNotificationWorkflowId,
  breachTimelineQuery,
  breachTimeRemainingQuery,
  closeBreachIncidentUpdate,
  explainBreachDelayUpdate,
  INCIDENT_REF_PATTERN,
  type BreachIncidentView,
  type BreachNotificationInput,
  type BreachNoticesView,
  type BreachTimelineEntry,
  type BreachTimeRemaining,
} from '../../../../libs/contracts';
import { TenantScopedDatabase } from '../../../../libs/db';
import { nextIncidentRef } from '../../../../libs/security/incident-refs';
import { ApiError, notFound } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { executeWorkflowUpdate } from '../platform/workflow-update';
import type { AssessIncidentDto } from './assess-incident.dto';
import type { DeclareIncidentDto } from './declare-incident.dto';

/** Awareness times slightly ahead of this server's clock are tolerated (another machine's clock). */
const CLOCK_SKEW_MS = 5 * 60_000;
const QUERY_DEADLINE_MS = 5_000;

export interface IncidentView {
  incident: BreachIncidentView;
  timeRemaining: BreachTimeRemaining;
  notices: BreachNoticesView;
  timeline: BreachTimelineEntry[];
}

/** Translates incident requests into the breach notification workflow's start, Updates and queries. */
@Injectable()
export class IncidentsService {
  private readonly logger = new Logger(IncidentsService.name);

  constructor(
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  async declare(request: DeclareIncidentDto, declaredBy: string): Promise<{ incidentRef: string; workflowId: string; awarenessAt: string; deadline: string }> {
    const awarenessMs = Date.parse(request.awarenessAt);
    const now = Date.now();
    if (awarenessMs > now + CLOCK_SKEW_MS) {
      throw new ApiError(400, 'validation_failed', 'awarenessAt is in the future: it is when the platform became aware of the breach', [
        { field: 'awarenessAt', problems: ['awarenessAt must not be in the future'] },
      ]);
    }
    const incidentRef = await nextIncidentRef(this.db.prisma);
    const workflowId = breachNotificationWorkflowId(incidentRef);
    const input: BreachNotificationInput = {
      incidentRef,
      awarenessAt: new Date(awarenessMs).toISOString(),
      declaredAt: new Date(now).toISOString(),
      declaredBy,
      ownerEmail: request.ownerEmail,
      description: request.description,
      suspectedDataCategories: request.suspectedDataCategories,
    };
    try {
      // A breach spans tenants: no TenantId search attribute; the workflow id names the incident.
      await this.temporal.workflow.start(BREACH_NOTIFICATION_WORKFLOW, {
        workflowId,
        taskQueue: this.appConfig.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      this.logger.error(`could not start ${workflowId}: ${(error as Error).message}`);
      throw new ApiError(503, 'service_unavailable', `incident ${incidentRef} could not be started; declare it again`);
    }
    return { incidentRef, workflowId, awarenessAt: input.awarenessAt, deadline: new Date(awarenessMs + BREACH_NOTIFICATION_DEADLINE_MS).toISOString() };
  }

  async get(incidentRef: string): Promise<IncidentView> {
    const handle = this.temporal.workflow.getHandle(this.workflowId(incidentRef));
    const query = <T>(run: () => Promise<T>) => this.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, run);
    try {
      const [incident, timeRemaining, notices, timeline] = await Promise.all([
        query(() => handle.query(breachIncidentQuery)),
        query(() => handle.query(breachTimeRemainingQuery)),
        query(() => handle.query(breachNoticesQuery)),
        query(() => handle.query(breachTimelineQuery)),
      ]);
      return { incident, timeRemaining, notices, timeline };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(`incident ${incidentRef}`);
      throw error;
    }
  }

  async assess(incidentRef: string, request: AssessIncidentDto, by: string): Promise<BreachIncidentView> {
    await this.update(incidentRef, assessBreachUpdate, { ...request, by });
    return this.incident(incidentRef);
  }

  async approve(incidentRef: string, delayReason: string | undefined, by: string): Promise<BreachIncidentView> {
    await this.update(incidentRef, approveBreachNotificationsUpdate, { by, ...(delayReason ? { delayReason } : {}) });
    return this.incident(incidentRef);
  }

  async explainDelay(incidentRef: string, reason: string, by: string): Promise<BreachIncidentView> {
    await this.update(incidentRef, explainBreachDelayUpdate, { by, reason });
    return this.incident(incidentRef);
  }

  async close(incidentRef: string, reason: string, by: string): Promise<BreachIncidentView> {
    await this.update(incidentRef, closeBreachIncidentUpdate, { by, reason });
    return this.incident(incidentRef);
  }

  private incident(incidentRef: string): Promise<BreachIncidentView> {
    const handle = this.temporal.workflow.getHandle(this.workflowId(incidentRef));
    return this.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(breachIncidentQuery));
  }

  private update<Ret, Arg>(incidentRef: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret> {
    return executeWorkflowUpdate(this.temporal, this.workflowId(incidentRef), `incident ${incidentRef}`, update, arg);
  }

  private workflowId(incidentRef: string): string {
    if (!INCIDENT_REF_PATTERN.test(incidentRef)) throw new ApiError(400, 'bad_request', 'an incident reference looks like IR-000042');
    return breachNotificationWorkflowId(incidentRef);
  }
}
