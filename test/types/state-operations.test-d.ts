// Type tests of the stateful operations: updateStateByKey, mapWithState with its StateSpec and
// stateSnapshots, and State<S>.
import { expectTypeOf } from 'vitest';
import {
  Minutes,
  StateSpec,
  type DStream,
  type MapWithStateDStream,
  type Pair,
  type RDD,
  type State,
  type Time,
} from 'dstream';

declare const lines: DStream<string>;
declare const counts: DStream<readonly [string, number]>;
declare const initial: RDD<readonly [string, number]>;

// updateStateByKey(update, options?): S comes from the state parameter's annotation
expectTypeOf(
  counts.updateStateByKey((values, state: number | undefined, key, time) => {
    expectTypeOf(values).toEqualTypeOf<number[]>();
    expectTypeOf(state).toEqualTypeOf<number | undefined>();
    expectTypeOf(key).toEqualTypeOf<string>();
    expectTypeOf(time).toEqualTypeOf<Time>();
    return values.length + (state ?? 0);
  }),
).toEqualTypeOf<DStream<Pair<string, number>>>();
// DESIGN.md's running count: values widened from the literal 1
expectTypeOf(
  lines
    .map((w) => [w, 1] as const)
    .updateStateByKey((values: number[], state: number | undefined) =>
      values.reduce((a, b) => a + b, state ?? 0),
    ),
).toEqualTypeOf<DStream<Pair<string, number>>>();
// The state may have another type than the values; undefined removes the key.
expectTypeOf(
  counts.updateStateByKey(
    (values, state: string[] | undefined) =>
      values.length === 0 ? undefined : [...(state ?? []), String(values.length)],
    { numPartitions: 2 },
  ),
).toEqualTypeOf<DStream<Pair<string, string[]>>>();
expectTypeOf(
  counts.updateStateByKey((values, state: number | undefined) => state, { initialRDD: initial }),
).toEqualTypeOf<DStream<Pair<string, number>>>();
// @ts-expect-error -- updateStateByKey needs a stream of pairs
lines.updateStateByKey((values: string[], state: number | undefined) => state);
// @ts-expect-error -- the values are numbers
counts.updateStateByKey((values: string[], state: number | undefined) => state);
counts.updateStateByKey((values, state: string | undefined) => state, {
  // @ts-expect-error -- the initial RDD holds [key, state] pairs
  initialRDD: initial,
});

// mapWithState(StateSpec.function(...)) and stateSnapshots()
const spec = StateSpec.function(
  (key: string, value: number | undefined, state: State<number>, time: Time) => {
    expectTypeOf(time).toEqualTypeOf<Time>();
    const sum = (value ?? 0) + (state.getOption() ?? 0);
    state.update(sum);
    return sum > 10 ? ([key, sum] as const) : undefined;
  },
);
expectTypeOf(spec).toEqualTypeOf<StateSpec<string, number, number, readonly [string, number]>>();
expectTypeOf(spec.timeout(Minutes(30)).initialState(initial).numPartitions(4)).toEqualTypeOf(spec);
const mapped = counts.mapWithState(spec);
expectTypeOf(mapped).toEqualTypeOf<
  MapWithStateDStream<string, number, number, readonly [string, number]>
>();
expectTypeOf(mapped).toExtend<DStream<readonly [string, number]>>();
expectTypeOf(mapped.stateSnapshots()).toEqualTypeOf<DStream<Pair<string, number>>>();
// values widened: a stream of [word, 1] takes a spec of number values
expectTypeOf(lines.map((w) => [w, 1] as const).mapWithState(spec)).toEqualTypeOf(mapped);
// @ts-expect-error -- mapWithState needs a stream of pairs
lines.mapWithState(spec);
// @ts-expect-error -- the spec's keys are strings, the stream's numbers
counts.map(([k, v]) => [k.length, v] as const).mapWithState(spec);
// @ts-expect-error -- the value is undefined for a key that times out
StateSpec.function((key: string, value: number, state: State<number>) => state.get() + value);
// @ts-expect-error -- a timeout is a Duration
spec.timeout(30_000);

// State<S>
declare const state: State<number>;
expectTypeOf(state.exists()).toEqualTypeOf<boolean>();
expectTypeOf(state.get()).toEqualTypeOf<number>();
expectTypeOf(state.getOption()).toEqualTypeOf<number | undefined>();
expectTypeOf(state.update).parameters.toEqualTypeOf<[number]>();
expectTypeOf(state.remove()).toEqualTypeOf<void>();
expectTypeOf(state.isTimingOut()).toEqualTypeOf<boolean>();
// @ts-expect-error -- a State<number> holds numbers
state.update('ten');
