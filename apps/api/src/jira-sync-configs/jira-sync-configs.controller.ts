import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TenantRoles } from '../auth/access.decorators';
import { CurrentTenant } from '../auth/current-principal.decorator';
import { ADMIN_ONLY, auditActor, type TenantPrincipal, type TenantRole } from '../auth/principal';
import { ApiRoute, type RouteSuccess } from '../platform/api-route.decorator';
import { versionEtag, versionsOfIfMatch } from '../platform/if-match';
import { JIRA_SYNC_CONFIG_METADATA_EXAMPLE, JIRA_SYNC_CONFIG_SCHEMA, JIRA_SYNC_SETTINGS_SCHEMA } from './jira-sync-config-schema';
import { JiraSyncConfigsService } from './jira-sync-configs.service';

const CONFIG_READERS: readonly TenantRole[] = ['admin', 'auditor'];

const SETTINGS_BODY = {
  description:
    'JiraSyncSettings (libs/contracts/jira-sync.ts): projectKeys, fields (all eight: direction, strategy), statusMap, priorityMap, issueTypeMap ({ toJira, fromJira }), assigneeByEmail, createIssues',
  schema: {
    ...JIRA_SYNC_SETTINGS_SCHEMA,
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

/** A stored configuration: the settings after defaults, with its id, version and who changed it when. */
function storedConfig(status: number, description: string): RouteSuccess {
  return { status, description, schema: JIRA_SYNC_CONFIG_SCHEMA, example: { ...JIRA_SYNC_CONFIG_METADATA_EXAMPLE, ...SETTINGS_BODY.schema.example } };
}

@ApiTags('jira')
@ApiBearerAuth()
@Controller('v1/jira/sync-configs')
export class JiraSyncConfigsController {
  constructor(private readonly configs: JiraSyncConfigsService) {}

  @Post()
  @HttpCode(201)
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Configure how a set of Jira projects syncs with Custodian tickets',
    description: 'Stores the configuration after checking every rule of libs/contracts/jira-sync.ts; the answer carries Location and the ETag (version 1).',
    success: storedConfig(201, 'The configuration as stored, with defaults filled in'),
    errors: [
      { status: 400, description: 'details[].field names each invalid setting' },
      { status: 409, description: 'A project (or a created ticket type) is in another configuration' },
    ],
  })
  @ApiBody(SETTINGS_BODY)
  async create(@CurrentTenant() caller: TenantPrincipal, @Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const config = await this.configs.create(caller.tenantId, body, auditActor(caller));
    response.setHeader('Location', `/v1/jira/sync-configs/${config.id}`);
    response.setHeader('ETag', versionEtag(config.version));
    return config;
  }

  @Get()
  @TenantRoles(CONFIG_READERS)
  @ApiRoute({
    summary: "The tenant's Jira sync configurations",
    description: 'Every configuration of the tenant, oldest first.',
    success: { status: 200, description: 'The configurations', schema: { type: 'array', items: JIRA_SYNC_CONFIG_SCHEMA }, example: [{ ...JIRA_SYNC_CONFIG_METADATA_EXAMPLE, ...SETTINGS_BODY.schema.example }] },
  })
  list(@CurrentTenant() caller: TenantPrincipal) {
    return this.configs.list(caller.tenantId);
  }

  @Get(':id')
  @TenantRoles(CONFIG_READERS)
  @ApiRoute({
    summary: 'A Jira sync configuration',
    description: "One configuration; the ETag header is its version, for PUT's and DELETE's If-Match.",
    success: storedConfig(200, 'The configuration'),
    errors: [{ status: 404, description: 'No such configuration in this tenant' }],
  })
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Res({ passthrough: true }) response: Response) {
    const config = await this.configs.get(caller.tenantId, id);
    response.setHeader('ETag', versionEtag(config.version));
    return config;
  }

  @Put(':id')
  @TenantRoles(ADMIN_ONLY)
  @ApiRoute({
    summary: 'Replace a configuration as a whole',
    description: 'Replaces every setting (the same rules as creating one) and bumps the version; the audit event names the settings that changed. The answer\'s ETag is the new version.',
    success: storedConfig(200, 'The configuration as stored'),
    errors: [
      { status: 400, description: 'details[].field names each invalid setting, or If-Match is malformed' },
      { status: 404, description: 'No such configuration in this tenant' },
      { status: 409, description: 'A project (or a created ticket type) is in another configuration' },
      { status: 412, description: 'The configuration changed since the ETag in If-Match was read' },
    ],
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag read before; a configuration changed since gets 412' })
  @ApiBody(SETTINGS_BODY)
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
  @ApiRoute({
    summary: 'Delete a configuration',
    description: 'Removes the configuration, so its projects are no longer synced by it; the deletion is audited.',
    success: { status: 204, description: 'Deleted' },
    errors: [
      { status: 400, description: 'If-Match is malformed' },
      { status: 404, description: 'No such configuration in this tenant' },
      { status: 412, description: 'The configuration changed since the ETag in If-Match was read' },
    ],
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag read before; a configuration changed since gets 412' })
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.configs.remove(caller.tenantId, id, versionsOfIfMatch(ifMatch), auditActor(caller));
  }
}
