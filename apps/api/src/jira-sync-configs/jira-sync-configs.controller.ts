import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiErrorBody } from '../errors/api-error';
import { versionEtag, versionsOfIfMatch } from '../platform/if-match';
import { JiraSyncConfigsService } from './jira-sync-configs.service';

const CONFIG_READERS: readonly TenantRole[] = ['admin', 'auditor'];

const SETTINGS_BODY = {
  description:
    'JiraSyncSettings (libs/contracts/jira-sync.ts): projectKeys, fields (all eight: direction, strategy), statusMap, priorityMap, issueTypeMap ({ toJira, fromJira }), assigneeByEmail, createIssues',
  schema: {
    type: 'object',
    required: ['projectKeys', 'fields'],
    example: {
      projectKeys: ['OPS'],
      fields: {
        summary: { direction: 'both' },
        description: { direction: 'both' },
        status: { direction: 'both', strategy: 'jira-wins' },
        priority: { direction: 'to-jira' },
        issuetype: { direction: 'off' },
        assignee: { direction: 'both' },
        comments: { direction: 'both' },
        attachments: { direction: 'from-jira' },
      },
      statusMap: {
        toJira: { new: 'To Do', triaged: 'To Do', in_progress: 'In Progress', resolved: 'Done', closed: 'Done', rejected: "Won't Do" },
        fromJira: { 'To Do': 'new', 'In Progress': 'in_progress', Done: 'resolved', "Won't Do": 'rejected' },
      },
      priorityMap: { toJira: { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Highest' } },
      assigneeByEmail: true,
      createIssues: null,
    },
  },
};

@ApiTags('jira')
@ApiBearerAuth()
@Controller('v1/jira/sync-configs')
export class JiraSyncConfigsController {
  constructor(private readonly configs: JiraSyncConfigsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Configure how a set of Jira projects syncs with Custodian tickets' })
  @ApiBody(SETTINGS_BODY)
  @ApiResponse({ status: 400, type: ApiErrorBody, description: 'details[].field names each invalid setting' })
  @ApiResponse({ status: 409, type: ApiErrorBody, description: 'a project (or created ticket type) is in another configuration' })
  async create(@CurrentTenant() caller: TenantPrincipal, @Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const config = await this.configs.create(caller.tenantId, body, auditActor(caller));
    response.setHeader('Location', `/v1/jira/sync-configs/${config.id}`);
    response.setHeader('ETag', versionEtag(config.version));
    return config;
  }

  @Get()
  @TenantRoles(CONFIG_READERS)
  @ApiOperation({ summary: "The tenant's Jira sync configurations" })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.configs.list(caller.tenantId);
  }

  @Get(':id')
  @TenantRoles(CONFIG_READERS)
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Res({ passthrough: true }) response: Response) {
    const config = await this.configs.get(caller.tenantId, id);
    response.setHeader('ETag', versionEtag(config.version));
    return config;
  }

  @Put(':id')
  @TenantRoles(ADMIN_ONLY)
  @ApiOperation({ summary: 'Replace a configuration as a whole' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag read before; a configuration changed since gets 412' })
  @ApiBody(SETTINGS_BODY)
  @ApiResponse({ status: 400, type: ApiErrorBody })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  @ApiResponse({ status: 409, type: ApiErrorBody })
  @ApiResponse({ status: 412, type: ApiErrorBody })
  async replace(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const config = await this.configs.replace(caller.tenantId, id, body, versionsOfIfMatch(ifMatch), auditActor(caller));
    response.setHeader('ETag', versionEtag(config.version));
    return config;
  }

  @Delete(':id')
  @HttpCode(204)
  @TenantRoles(ADMIN_ONLY)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiResponse({ status: 404, type: ApiErrorBody })
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.configs.remove(caller.tenantId, id, versionsOfIfMatch(ifMatch), auditActor(caller));
  }
}
