/**
 * `dstream/ui`: the streaming web UI, as Spark's streaming tab: the `/streaming/` page, its JSON API
 * at Spark's paths (`/api/v1/applications/{appId}/streaming/...`) and Prometheus metrics at
 * `/metrics`, learnt from listener events only. A context starts it by itself (unless `spark.ui.enabled=false`);
 * import this module only to build on the progress listener or the API answers.
 */
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import type { Server } from 'node:http';
import type { StreamingUi, StreamingUiHost } from '../streaming/ui-hook.js';
import { systemClock } from '../util/clock.js';
import { answerApi, type ApplicationIdentity } from './api.js';
import { answerEngineApi, settingsInForce } from './engine-api.js';
import { EngineStatusListener } from './engine-listener.js';
import { registerEngineMetrics } from './engine-metrics.js';
import { StreamingMetrics } from './metrics.js';
import { StreamingJobProgressListener } from './progress-listener.js';
import {
  configurationPanel,
  stateOperatorsPanel,
  taskThreadsPanel,
} from './pages/engine-panels.js';
import { answerPage } from './pages/routes.js';
import { closeServer, listenOnFreePort, urlOf, type Answer } from './server.js';

export { answerApi, sparkDate, type ApiAnswer, type ApplicationIdentity } from './api.js';
export { StreamingMetrics } from './metrics.js';
export {
  EngineStatusListener,
  type KafkaLagRow,
  type StateOperatorRow,
  type TaskThreadRow,
} from './engine-listener.js';
export { settingsInForce } from './engine-api.js';
export {
  configurationPanel,
  formatBytes,
  stateOperatorsPanel,
  taskThreadsPanel,
} from './pages/engine-panels.js';
export {
  StreamingJobProgressListener,
  type BatchStatus,
  type BatchWithStatus,
  type BatchUIData,
} from './progress-listener.js';
export type { StreamingUi, StreamingUiHost, UiInputStream } from '../streaming/ui-hook.js';

function redirect(location: string): Answer {
  return {
    status: 302,
    contentType: 'text/plain; charset=utf-8',
    body: `See ${location}\n`,
    headers: { Location: location },
  };
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Starts the UI of a context: listens on `spark.ui.host` (127.0.0.1) at `spark.ui.port` (4040,
 * or the next free port), keeps the last `spark.streaming.ui.retainedBatches` (1000) completed
 * batches, and stops listening (and hearing events) on `stop()`.
 */
export async function startStreamingUI(host: StreamingUiHost): Promise<StreamingUi> {
  const conf = host.conf;
  const progress = new StreamingJobProgressListener(
    host.batchDuration.milliseconds,
    host.inputStreams,
    conf.getNumber('spark.streaming.ui.retainedBatches', 1000),
  );
  const metrics = new StreamingMetrics(progress);
  const engine = new EngineStatusListener();
  registerEngineMetrics(metrics.registry, engine);
  const startTime = systemClock.now();
  const app: ApplicationIdentity = {
    // Spark's id of an application in local mode.
    id: `local-${startTime}`,
    name: host.appName,
    startTime,
    sparkUser: process.env.SPARK_USER ?? userInfo().username,
    version,
  };
  // The settings do not change once the context has started.
  const settings = settingsInForce(host, app.id);
  const handler = async (path: string, query: URLSearchParams): Promise<Answer | undefined> => {
    // Spark's UI leads from its root to the streaming tab.
    if (path === '/' || path === '/streaming') return redirect('/streaming/');
    if (path === '/streaming/batch') return redirect(`/streaming/batch/?${query.toString()}`);
    const page = answerPage(path, query, progress, host.appName, host.clock.now(), () => ({
      beforeBatches:
        stateOperatorsPanel(engine.stateOperators, progress.batchDuration) +
        '\n' +
        taskThreadsPanel(engine.taskThreads),
      afterBatches: configurationPanel(settings),
    }));
    if (page !== undefined) return page;
    if (path === '/metrics') {
      const { text, contentType } = await metrics.scrape();
      return { status: 200, contentType, body: text };
    }
    const api =
      answerApi(path, query, app, progress) ?? answerEngineApi(path, app.id, engine, settings);
    if (api === undefined) return undefined;
    return api.status === 200
      ? {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify(api.json, null, 2) + '\n',
        }
      : { status: api.status, contentType: 'text/plain; charset=utf-8', body: api.text + '\n' };
  };
  const server: Server = await listenOnFreePort(
    handler,
    conf.get('spark.ui.host') ?? '127.0.0.1',
    conf.getNumber('spark.ui.port', 4040),
    conf.getNumber('spark.port.maxRetries', 16),
  );
  host.addStreamingListener(progress);
  host.addStreamingListener(metrics);
  host.addStreamingListener(engine);
  return {
    url: urlOf(server),
    async stop() {
      host.removeStreamingListener(progress);
      host.removeStreamingListener(metrics);
      host.removeStreamingListener(engine);
      await closeServer(server);
    },
  };
}
