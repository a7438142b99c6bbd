import { rmSync } from 'node:fs';
import { takeTestInfrastructure } from './test-infrastructure-handle';

export default async function globalTeardown(): Promise<void> {
  const infrastructure = takeTestInfrastructure();
  if (!infrastructure) return;
  for (const stop of infrastructure.stops) await stop();
  rmSync(infrastructure.dir, { recursive: true, force: true });
}
