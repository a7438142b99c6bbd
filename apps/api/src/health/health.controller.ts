import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { Client } from '@temporalio/client';
import { TenantScopedDatabase } from '../../../../libs/db';
import { Public } from '../auth/access.decorators';
import { ApiError } from '../errors/api-error';
import { ApiRoute } from '../platform/api-route.decorator';
import { HealthResponse } from './health-responses';

const CHECK_DEADLINE_MS = 2_000;

const READINESS = {
  success: { status: 200, description: 'Both reachable', type: HealthResponse },
  errors: [{ status: 503, description: 'A dependency is unreachable: message names it; details: [{ "database": "up", "temporal": "down" }]' }],
};

/**
 * Liveness (/health/live: the process answers, nothing else asked) apart from readiness (/health/ready and
 * /health: PostgreSQL and Temporal reachable), so an orchestrator restarts a process only when it is stuck and
 * merely stops sending traffic while a dependency is down. Public, so it says only which dependency is down: the reason (hostnames, ports, driver messages) goes to
 * the server's log, never to whoever asks.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
  ) {}

  @Get()
  @Public()
  // Terminus's own documentation describes its 503 body, which this route replaces by the uniform error shape.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiRoute({
    summary: 'PostgreSQL and Temporal reachable: 200, else 503 naming what is unreachable (the same as /health/ready)',
    description: 'For load balancers and orchestrators: checks PostgreSQL (SELECT 1) and Temporal (system info), each within 2 seconds. Why a dependency is down goes to the server log, never to the caller.',
    ...READINESS,
  })
  check() {
    return this.readiness();
  }

  @Get('ready')
  @Public()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiRoute({
    summary: 'Readiness: 200 while PostgreSQL and Temporal are reachable, else 503 naming what is not',
    description: 'For a readiness probe: checks PostgreSQL (SELECT 1) and Temporal (system info), each within 2 seconds. While it answers 503, send this process no traffic; it recovers by itself when the dependency is back.',
    ...READINESS,
  })
  ready() {
    return this.readiness();
  }

  @Get('live')
  @Public()
  @ApiRoute({
    summary: 'Liveness: 200 whenever the process answers, whatever its dependencies',
    description: 'For a liveness probe: asks no dependency, so a PostgreSQL or Temporal outage never gets the API restarted (readiness covers those).',
    success: { status: 200, description: 'The process is up', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } }, example: { status: 'ok' } },
  })
  live() {
    return { status: 'ok' };
  }

  private async readiness() {
    try {
      return await this.health.check([
        () => this.probe('database', () => this.db.prisma.$queryRaw`SELECT 1`),
        () =>
          this.probe('temporal', () =>
            this.temporal.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
              this.temporal.workflowService.getSystemInfo({}),
            ),
          ),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const { details } = error.getResponse() as HealthCheckResult;
      const statuses = Object.fromEntries(Object.entries(details).map(([dependency, { status }]) => [dependency, status]));
      const down = Object.keys(statuses).filter((dependency) => statuses[dependency] !== 'up');
      throw new ApiError(503, 'service_unavailable', `unreachable: ${down.join(', ')}`, [statuses]);
    }
  }

  private async probe(key: string, reach: () => Promise<unknown>) {
    const indicator = this.indicator.check(key);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timed out')), CHECK_DEADLINE_MS).unref(),
    );
    try {
      await Promise.race([reach(), timeout]);
      return indicator.up();
    } catch (error) {
      this.logger.warn(`${key} is unreachable: ${error instanceof Error ? error.message : String(error)}`);
      return indicator.down();
    }
  }
}
