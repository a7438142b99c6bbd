import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface WebhookIngestLoad {
  url: string;
  projectKeys: string[];
  perSecond: number;
  seconds: number;
}

export interface WebhookIngestResult {
  sent: number;
  answered: number;
  transportErrors: number;
  p50: number;
  p99: number;
}

/**
 * Webhook deliveries at a fixed rate, sent and timed from a thread of their own: the benchmark's main thread also
 * runs the Jira simulator, and a delivery timed there would wait for the simulator's work before its answer is
 * even read.
 */
export function webhookIngest(load: WebhookIngestLoad): Promise<WebhookIngestResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(__filename, { workerData: load });
    thread.once('message', resolve);
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the webhook load thread exited (${code}) without a result`)));
  });
}

/** Open loop: each delivery is sent on time whether or not earlier ones were answered. */
async function send({ url, projectKeys, perSecond, seconds }: WebhookIngestLoad): Promise<WebhookIngestResult> {
  const total = perSecond * seconds;
  const latencies: number[] = [];
  let answered = 0;
  // A delivery whose connection failed counts as not answered (Atlassian would retry it), not as a crash.
  let transportErrors = 0;
  const deliveries: Promise<void>[] = [];
  const began = performance.now();
  for (let index = 0; index < total; index++) {
    const due = began + (index * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const issueKey = `${projectKeys[index % projectKeys.length]}-${1 + (index % 1000)}`;
    deliveries.push(
      (async () => {
        const at = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': `bench-${index}` },
          body: JSON.stringify({ timestamp: Date.now(), webhookEvent: 'jira:issue_updated', issue: { id: String(index), key: issueKey } }),
        }).catch(() => undefined);
        if (!response) {
          transportErrors += 1;
          return;
        }
        await response.arrayBuffer();
        latencies.push(performance.now() - at);
        if (response.ok) answered += 1;
      })(),
    );
  }
  await Promise.all(deliveries);
  latencies.sort((a, b) => a - b);
  const at = (quantile: number) => latencies[Math.min(latencies.length - 1, Math.floor(quantile * latencies.length))] ?? Number.NaN;
  return { sent: total, answered, transportErrors, p50: at(0.5), p99: at(0.99) };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void send(workerData as WebhookIngestLoad).then((result) => port.postMessage(result));
}
