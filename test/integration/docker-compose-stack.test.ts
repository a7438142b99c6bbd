import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { ensureComposeCheck, loadCompose, type ComposeProject } from '../support/compose-check';

// No container engine here: docker-compose.yml is loaded by compose-go, the loader Docker Compose itself runs (schema,
// interpolation, anchors), with the committed .env.example as a deployer's .env; what it resolves is checked here.

const root = repoRoot();
const COMPOSE = join(root, 'docker-compose.yml');

/** image:tag lines of tools/compose-check/verified-images.txt. */
async function verifiedImages(): Promise<Set<string>> {
  const text = await readFile(join(root, 'tools', 'compose-check', 'verified-images.txt'), 'utf8');
  return new Set(text.split('\n').filter((line) => line.trim() && !line.startsWith('#')).map((line) => line.split('|')[0]!.trim()));
}

describe('docker-compose.yml as Docker Compose loads it', () => {
  let binary: string;
  let dir: string;
  let project: ComposeProject;

  const withEnv = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return loadCompose(binary, COMPOSE, file);
  };

  beforeAll(async () => {
    binary = await ensureComposeCheck();
    dir = await mkdtemp(join(tmpdir(), 'compose-check-'));
    const loaded = await loadCompose(binary, COMPOSE, join(root, '.env.example'));
    expect(loaded.stderr).toBe('');
    project = loaded.project!;
  }, 600_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads with the committed .env.example, and names the setting a deployer left out', async () => {
    expect(Object.keys(project.services).sort()).toEqual(['api', 'migrate', 'postgres', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui', 'worker']);
    const example = await readFile(join(root, '.env.example'), 'utf8');
    const missing = await withEnv('missing.env', example.replace(/^TEMPORAL_DB_PASSWORD=.*$/m, ''));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('set TEMPORAL_DB_PASSWORD');
  });

  it('uses only image tags verified at their official source, for the stack and the Dockerfile', async () => {
    const verified = await verifiedImages();
    // Images the stack builds itself (the Dockerfile's) are no pull.
    const built = new Set(Object.values(project.services).filter((service) => service.build).map((service) => service.image));
    const used = Object.values(project.services).map((service) => service.image!).filter((image) => !built.has(image));
    const dockerfile = await readFile(join(root, 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect([...used, ...bases].filter((image) => !verified.has(image))).toEqual([]);
    // The official pattern: the server image with admin-tools jobs, not the deprecated auto-setup image.
    expect(used.some((image) => image.startsWith('temporalio/auto-setup'))).toBe(false);
    // Node 22 or later in the image (npm 11 with Node 24, so allowScripts is honoured).
    expect(bases.every((image) => Number(/^node:(\d+)/.exec(image)?.[1]) >= 24)).toBe(true);
  });

  it('keeps passwords with / # @ % out of URLs, so they reach the apps as they are', async () => {
    const example = await readFile(join(root, '.env.example'), 'utf8');
    const passwords = { CUSTODIAN_APP_PASSWORD: 'a/b#c@d%2Fe:f', CUSTODIAN_OWNER_PASSWORD: 'o#w/n@%', TEMPORAL_DB_PASSWORD: 't/m#p' };
    let text = example;
    for (const [name, value] of Object.entries(passwords)) text = text.replace(new RegExp(`^${name}=.*$`, 'm'), `${name}='${value}'`);
    const loaded = await withEnv('odd.env', text);
    expect(loaded.stderr).toBe('');
    const services = loaded.project!.services;
    for (const service of ['api', 'worker']) {
      expect(services[service]!.environment).toMatchObject({ DATABASE_URL: 'postgresql://custodian_app@postgres:5432/custodian', DATABASE_PASSWORD: passwords.CUSTODIAN_APP_PASSWORD });
    }
    expect(services.migrate!.environment).toMatchObject({ DATABASE_OWNER_URL: 'postgresql://custodian_owner@postgres:5432/custodian', DATABASE_OWNER_PASSWORD: passwords.CUSTODIAN_OWNER_PASSWORD });
    expect(services.temporal!.environment).toMatchObject({ POSTGRES_PWD: passwords.TEMPORAL_DB_PASSWORD });
    expect(services['temporal-schema']!.environment).toMatchObject({ SQL_PASSWORD: passwords.TEMPORAL_DB_PASSWORD });
  });

  it('starts in order with health over TCP, restarts what must stay up, and retries the one-shot jobs', () => {
    const { services } = project;
    expect(services.postgres!.healthcheck!.test).toEqual(['CMD', 'pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', 'postgres']);
    for (const service of ['postgres', 'temporal', 'temporal-ui', 'api', 'worker']) expect({ service, restart: services[service]!.restart }).toEqual({ service, restart: 'unless-stopped' });
    for (const service of ['migrate', 'temporal-schema', 'temporal-namespace']) expect(services[service]!.restart).toMatch(/^on-failure:\d+$/);
    expect(services.temporal!.depends_on).toEqual({ 'temporal-schema': expect.objectContaining({ condition: 'service_completed_successfully' }) });
    // Neither the API nor the worker starts before the namespace has its search attributes.
    for (const service of ['api', 'worker']) {
      expect(services[service]!.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('connects Temporal as its own role and publishes neither Temporal port beyond loopback', () => {
    const { services } = project;
    for (const service of ['temporal', 'temporal-schema']) expect(services[service]!.environment!.POSTGRES_USER).toBe('temporal');
    expect(services.temporal!.ports ?? []).toEqual([]);
    expect(services['temporal-ui']!.ports).toEqual([expect.objectContaining({ host_ip: '127.0.0.1', published: '8233' })]);
  });

  it('probes the worker as it probes the API: its readiness on a loopback port the worker is told to serve', () => {
    const worker = project.services.worker!;
    const address = worker.environment!.WORKER_HEALTH_ADDRESS!;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(worker.healthcheck!.test!.join(' ')).toContain(`http://${address}/health/ready`);
    expect(worker.ports ?? []).toEqual([]);
  });

  it('passes the KMS, SMTP, notice, export-link, observability and Temporal TLS settings through to the apps', async () => {
    const settings = {
      KMS_KEY_ID: 'alias/custodian',
      KMS_ENDPOINT: 'https://kms.example',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret/key',
      SMTP_URL: 'smtp://mail.example:587',
      NOTIFY_FROM: 'custodian@example.com',
      SECURITY_TEAM_EMAILS: 'sec@example.com',
      SECURITY_ESCALATION_EMAILS: 'esc@example.com',
      REGULATOR_NOTICE_EMAILS: 'dpo@example.com',
      BREACH_CONTACT_POINT: 'DPO, dpo@example.com',
      TEMPORAL_TLS_CERT: '/certs/client.pem',
      TEMPORAL_TLS_KEY: '/certs/client.key',
      TEMPORAL_TLS_CA: '/certs/ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      SENTRY_DSN: 'https://key@glitchtip.example/1',
      SENTRY_ENVIRONMENT: 'production',
    };
    const example = await readFile(join(root, '.env.example'), 'utf8');
    const text = `${example}\n${Object.entries(settings).map(([name, value]) => `${name}='${value}'`).join('\n')}\nEXPORT_LINK_SECRET=${'x'.repeat(40)}\nMETRICS_TOKEN=${'m'.repeat(24)}\nWORKER_METRICS_ADDRESS=0.0.0.0:9464\n`;
    const loaded = await withEnv('settings.env', text);
    expect(loaded.stderr).toBe('');
    for (const service of ['api', 'worker']) expect(loaded.project!.services[service]!.environment).toMatchObject(settings);
    expect(loaded.project!.services.api!.environment!.EXPORT_LINK_SECRET).toBe('x'.repeat(40));
    expect(loaded.project!.services.api!.environment!.METRICS_TOKEN).toBe('m'.repeat(24));
    expect(loaded.project!.services.worker!.environment!.WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
  });

  it('keeps .env and local state out of the image build context', async () => {
    const ignored = (await readFile(join(root, '.dockerignore'), 'utf8')).split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.data', 'node_modules', '.tools']));
  });
});
