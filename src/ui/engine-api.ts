import type { StreamingUiHost } from '../streaming/ui-hook.js';
import { sparkDate, type ApiAnswer } from './api.js';
import type { EngineStatusListener } from './engine-listener.js';

/**
 * The settings in force, sorted by key: the context's `spark.*` settings, plus what Spark's
 * environment page lists even when nobody set it (the application's name, master and id).
 */
export function settingsInForce(host: StreamingUiHost, appId: string): [string, string][] {
  const settings = new Map(host.conf.toArray().filter(([key]) => key.startsWith('spark.')));
  if (!settings.has('spark.app.name')) settings.set('spark.app.name', host.appName);
  if (!settings.has('spark.master')) settings.set('spark.master', host.master);
  if (!settings.has('spark.app.id')) settings.set('spark.app.id', appId);
  return [...settings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * dstream's JSON beyond Spark's REST API, under `/api/v1/applications/{appId}/streaming/dstream/`
 * (a path Spark does not use, so no Spark client mistakes it for its own): `state` (the stateful
 * operators), `threads` (the task threads, with the counts of Spark's `ExecutorSummary`) and
 * `configuration` (the settings, as the `sparkProperties` of Spark's `/environment`). Answers only
 * for the application's own id (`answerApi` has already answered 404 for another one).
 */
export function answerEngineApi(
  path: string,
  appId: string,
  engine: EngineStatusListener,
  settings: readonly (readonly [string, string])[],
): ApiAnswer | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  const prefix = ['api', 'v1', 'applications', appId, 'streaming', 'dstream'];
  if (parts.length !== prefix.length + 1 || prefix.some((p, i) => parts[i] !== p)) {
    return undefined;
  }
  switch (parts[prefix.length]) {
    case 'state':
      return { status: 200, json: engine.stateOperators.map(stateOperator) };
    case 'threads':
      return { status: 200, json: engine.taskThreads.map(taskThread) };
    case 'configuration':
      return { status: 200, json: { sparkProperties: settings } };
    default:
      return undefined;
  }
}

function stateOperator(op: EngineStatusListener['stateOperators'][number]) {
  const last = op.lastUpdatedBatch;
  return {
    id: op.id,
    streamId: op.streamId,
    name: op.name,
    numKeys: op.numKeys,
    approximateBytes: op.approximateBytes,
    // As Spark's batches: the batch id is its time in ms; left out before the first batch.
    lastUpdatedBatchId: last,
    lastUpdatedBatchTime: last === undefined ? undefined : sparkDate(last),
  };
}

function taskThread(t: EngineStatusListener['taskThreads'][number]) {
  return {
    id: t.thread,
    status: t.status,
    completedTasks: t.tasksSucceeded,
    failedTasks: t.tasksFailed,
    totalTasks: t.tasksSucceeded + t.tasksFailed,
    restarts: t.restarts,
  };
}
