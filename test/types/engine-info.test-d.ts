// Type tests of what dstream's listener events say beyond Spark's (state sizes, task threads),
// the Kafka lag in input metadata, and the UI's panels.
import { expectTypeOf } from 'vitest';
import type { StateOperatorInfo, StreamingListener, TaskThreadInfo, Time } from 'dstream';
import type { KafkaPartitionLag } from 'dstream/kafka';
import {
  configurationPanel,
  EngineStatusListener,
  stateOperatorsPanel,
  taskThreadsPanel,
  type KafkaLagRow,
} from 'dstream/ui';

// The callbacks are optional, as every StreamingListener callback.
const listener: StreamingListener = {
  onStateUpdated: (e) => {
    expectTypeOf(e.batchTime).toEqualTypeOf<Time>();
    expectTypeOf(e.operators).toEqualTypeOf<readonly StateOperatorInfo[]>();
  },
  onTaskThreadsUpdated: (e) => {
    expectTypeOf(e.threads).toEqualTypeOf<readonly TaskThreadInfo[]>();
  },
};
expectTypeOf(listener).toExtend<StreamingListener>();
expectTypeOf<StreamingListener>({}).toExtend<StreamingListener>();

expectTypeOf<StateOperatorInfo>().toEqualTypeOf<{
  readonly id: string;
  readonly streamId: number;
  readonly name: string;
  readonly numKeys: number;
  readonly approximateBytes: number;
  readonly lastUpdatedBatch: number | undefined;
}>();
expectTypeOf<TaskThreadInfo['status']>().toEqualTypeOf<'starting' | 'idle' | 'busy' | 'exited'>();
expectTypeOf<KafkaPartitionLag>().toEqualTypeOf<{
  readonly topic: string;
  readonly partition: number;
  readonly latestOffset: number;
  readonly lag: number;
}>();

// The engine listener is a StreamingListener; the panels take its plain rows and return HTML.
expectTypeOf<EngineStatusListener>().toExtend<StreamingListener>();
expectTypeOf<EngineStatusListener['kafkaLags']>().toEqualTypeOf<readonly KafkaLagRow[]>();
expectTypeOf(stateOperatorsPanel).parameters.toEqualTypeOf<
  [readonly StateOperatorInfo[], number]
>();
expectTypeOf(taskThreadsPanel).returns.toEqualTypeOf<string>();
expectTypeOf(configurationPanel)
  .parameter(0)
  .toEqualTypeOf<readonly (readonly [string, string])[]>();
// @ts-expect-error -- settings are pairs of strings
configurationPanel([['spark.master', 2]]);
