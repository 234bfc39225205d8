// Type tests of recovery: StreamingContext.getOrCreate and its options, `migrate` above all.
import { expectTypeOf } from 'vitest';
import { StreamingContext, type GetOrCreateOptions, type StateMigration } from 'dstream';

declare const createFn: () => StreamingContext;

expectTypeOf(StreamingContext.getOrCreate('/ckpt', createFn)).toEqualTypeOf<StreamingContext>();

// A migration may declare the types of the stored state and of the key...
StreamingContext.getOrCreate('/ckpt', createFn, {
  migrate: {
    'province-totals': (total: number, province: string) => ({ total, n: province.length }),
  },
  skipShapeCheck: ['province-totals'],
  startEmpty: ['session-counts'],
});

// ...and, when it does not, receives them as unknown, to be narrowed before use.
const options: GetOrCreateOptions = {
  migrate: {
    totals: (state, key) => {
      expectTypeOf(state).toEqualTypeOf<unknown>();
      expectTypeOf(key).toEqualTypeOf<unknown>();
      // @ts-expect-error -- an unknown stored state cannot be used unchecked
      const total: number = state;
      return typeof state === 'number' ? { total: state, n: 0 } : total;
    },
    // Returning undefined drops the key.
    dropped: () => undefined,
  },
};
expectTypeOf(options.migrate).toEqualTypeOf<Readonly<Record<string, StateMigration>> | undefined>();
expectTypeOf<StateMigration>().returns.toEqualTypeOf<unknown>();

// @ts-expect-error -- a migration is a function of the stored state
StreamingContext.getOrCreate('/ckpt', createFn, { migrate: { totals: 0 } });
// @ts-expect-error -- skipShapeCheck lists state keys
StreamingContext.getOrCreate('/ckpt', createFn, { skipShapeCheck: 'totals' });
