/** Shared between jest's global setup and teardown, which run in the same process. */
export interface TestInfrastructure {
  dir: string;
  stops: (() => Promise<void>)[];
}

const KEY = Symbol.for('custodian.testInfrastructure');

export function setTestInfrastructure(value: TestInfrastructure): void {
  (globalThis as Record<symbol, unknown>)[KEY] = value;
}

export function takeTestInfrastructure(): TestInfrastructure | undefined {
  const value = (globalThis as Record<symbol, unknown>)[KEY] as TestInfrastructure | undefined;
  delete (globalThis as Record<symbol, unknown>)[KEY];
  return value;
}
