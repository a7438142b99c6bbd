import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';

/** The published ports ("host:container" mappings) of each service in docker-compose.yml. */
function publishedPorts(): Map<string, string[]> {
  const services = new Map<string, string[]>();
  let service: string | undefined;
  let inPorts = false;
  for (const line of readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8').split('\n')) {
    const serviceName = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (serviceName) {
      service = serviceName[1];
      services.set(service, []);
      inPorts = false;
      continue;
    }
    if (/^ {4}ports:\s*$/.test(line)) {
      inPorts = true;
      continue;
    }
    const entry = /^ {6}- "?([^"\s]+)"?\s*$/.exec(line);
    if (inPorts && entry && service) services.get(service)!.push(entry[1]);
    else if (/^ {4}\S/.test(line)) inPorts = false;
  }
  return services;
}

describe('docker-compose.yml', () => {
  it('publishes neither the Temporal frontend nor its Web UI on a public interface (they have no sign-in)', () => {
    const ports = publishedPorts();
    expect(ports.has('temporal')).toBe(true);
    expect(ports.has('temporal-ui')).toBe(true);
    for (const service of ['temporal', 'temporal-ui']) {
      for (const mapping of ports.get(service)!) expect(mapping).toMatch(/^127\.0\.0\.1:/);
    }
    expect(ports.get('api')).toEqual(['8080:8080']);
  });
});
