import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../../../../libs/config/app-config';
import { Public } from '../auth/access.decorators';
import { ApiError } from '../errors/api-error';
import { APP_CONFIG } from '../platform/platform.module';
import { ApiRoute } from '../platform/api-route.decorator';
import { ApiMetrics } from './api-metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Prometheus scrapes this with METRICS_TOKEN as its bearer token (scrape config `authorization.credentials`).
 * No API key opens it and it is off (404) while METRICS_TOKEN is unset. It shows counts and latencies by route
 * template and workflow type only, never a tenant, id or path as sent.
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  @Get()
  @Public()
  @ApiRoute({
    summary: 'Prometheus metrics of this API process (bearer METRICS_TOKEN)',
    description:
      'HTTP latency by method, route template and status (custodian_http_request_duration_seconds), workflows started by type (custodian_workflows_started_total) and the process defaults (process_*, nodejs_*). Needs `Authorization: Bearer <METRICS_TOKEN>`, a setting of its own, not an API key; 404 while METRICS_TOKEN is unset.',
    success: { status: 200, description: 'Prometheus text exposition format', media: { 'text/plain': '# TYPE custodian_workflows_started_total counter\ncustodian_workflows_started_total{workflow_type="ticketIntake"} 3\n' } },
    errors: [
      { status: 401, description: 'No bearer token, or not METRICS_TOKEN' },
      { status: 404, description: 'METRICS_TOKEN is not set: metrics are off' },
    ],
  })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) response: Response): Promise<string> {
    const token = this.config.observability.metricsToken;
    if (!token) throw new ApiError(404, 'not_found', 'Cannot GET /metrics');
    const offered = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    // Digests first: timingSafeEqual needs equal lengths, and the token's length is no one's business.
    if (!offered || !timingSafeEqual(digest(offered), digest(token))) throw new ApiError(401, 'unauthorized', 'metrics need the bearer token METRICS_TOKEN');
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.setHeader('Cache-Control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
