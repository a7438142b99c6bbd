import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Client } from '@temporalio/client';
import { TenantScopedDatabase } from '../../../../libs/db';
import { Public } from '../auth/access.decorators';

const CHECK_DEADLINE_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly db: TenantScopedDatabase,
    private readonly temporal: Client,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'PostgreSQL and Temporal reachable: 200, else 503' })
  check() {
    return this.health.check([
      () => this.probe('database', () => this.db.prisma.$queryRaw`SELECT 1`),
      () =>
        this.probe('temporal', () =>
          this.temporal.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
            this.temporal.workflowService.getSystemInfo({}),
          ),
        ),
    ]);
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
      return indicator.down({ message: (error as Error).message });
    }
  }
}
