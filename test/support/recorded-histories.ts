import type { DataConverter } from '@temporalio/common';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../libs/config/repo-root';
import { LocalKeyProvider } from '../../libs/crypto/local-key-provider';
import { custodianDataConverter } from '../../libs/temporal/data-converter';
import { PayloadEncryptionCodec } from '../../libs/temporal/payload-codec';
import { WorkerPayloadCodec } from '../../libs/temporal/worker-payload-codec';

/** Recorded histories, one per file: `<workflow type>.<the point it was recorded at>.json`. */
export const RECORDED_HISTORIES_DIR = join(repoRoot(), 'test', 'workflows', 'histories');

/** The KEK the recorded payloads are encrypted under: a key made for these tests, never a real one. */
const HISTORY_TEST_KEK = join(repoRoot(), 'test', 'workflows', 'fixtures', 'history-test-kek.json');

/** A private copy of the test KEK: the local key provider refuses a key file that others can read, as git leaves it. */
export function historyTestKeyFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'custodian-history-key-')), 'kek.json');
  copyFileSync(HISTORY_TEST_KEK, path);
  chmodSync(path, 0o600);
  return path;
}

/** The worker's data converter over the test KEK, so the recorded payloads decode as they did when recorded. */
export function historyDataConverter(): DataConverter {
  return custodianDataConverter(new WorkerPayloadCodec(new PayloadEncryptionCodec({ keyProvider: new LocalKeyProvider({ path: historyTestKeyFile() }) })));
}

// The SDK's historyToJSON / historyFromJSON fail here ("type must be a Type"): npm gave @temporalio/common and
// @temporalio/proto each their own copy of protobufjs. The same proto3 JSON, through the copy the types belong to.
const protoJson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
};
const historyType = patchProtobufRoot(proto as unknown as Record<string, unknown> & { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** A history as `temporal workflow show --output json` prints it. */
export function historyToJson(history: proto.temporal.api.history.v1.IHistory): string {
  return `${JSON.stringify(protoJson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2)}\n`;
}

export function historyFromJson(json: string): proto.temporal.api.history.v1.History {
  return protoJson.fromJson(historyType, JSON.parse(json), { ignoreUnknownFields: true }) as proto.temporal.api.history.v1.History;
}

/** Every recorded history, with its file name as the workflow id replay reports. */
export function recordedHistories(): { file: string; workflowId: string; history: proto.temporal.api.history.v1.History }[] {
  return readdirSync(RECORDED_HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, workflowId: file, history: historyFromJson(readFileSync(join(RECORDED_HISTORIES_DIR, file), 'utf8')) }));
}
