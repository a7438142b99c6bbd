import type { TemporalDatabaseLocation } from './temporal-persistence';

/** The loopback ports one server process listens on: gRPC and membership (ringpop) for each of its four services. */
export interface TemporalServerPorts {
  frontend: number;
  /** The frontend's HTTP API (the gRPC API as JSON). */
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/** Shards fix how history work is split; the number can never change once a cluster has data. */
const HISTORY_SHARDS = 4;

/**
 * The server's config file (YAML) for one process running all four services on loopback, with persistence and
 * visibility on PostgreSQL, in the shape of the server's own config/development-postgres12.yaml. No metrics
 * endpoint and no archival. Strings are written JSON-quoted, which YAML reads as they are.
 */
export function temporalServerConfig(database: TemporalDatabaseLocation, ports: TemporalServerPorts, logLevel: string): string {
  const q = (value: string) => JSON.stringify(value);
  const datastore = (databaseName: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: ${q(databaseName)}
        connectAddr: ${q(`${database.host}:${database.port}`)}
        connectProtocol: "tcp"
        user: ${q(database.role)}
        password: ${q(database.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpcPort: number, membershipPort: number, extra = '') => `
    rpc:
      grpcPort: ${grpcPort}
      membershipPort: ${membershipPort}
      bindOnIP: "127.0.0.1"${extra}`;
  return `log:
  stdout: true
  level: ${q(logLevel)}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${HISTORY_SHARDS}
  datastores:
    postgres-default:${datastore(database.persistenceDatabase, 20)}
    postgres-visibility:${datastore(database.visibilityDatabase, 10)}

global:
  membership:
    maxJoinDuration: "30s"
    broadcastAddress: "127.0.0.1"

services:
  frontend:${service(ports.frontend, ports.frontendMembership, `\n      httpPort: ${ports.frontendHttp}`)}
  history:${service(ports.history, ports.historyMembership)}
  matching:${service(ports.matching, ports.matchingMembership)}
  worker:${service(ports.worker, ports.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: ${q(`127.0.0.1:${ports.frontend}`)}
      httpAddress: ${q(`127.0.0.1:${ports.frontendHttp}`)}

dcRedirectionPolicy:
  policy: "noop"
`;
}
