import { DStreamError } from '../errors.js';

/** The environment variable through which `dstream run --conf key=value` passes settings. */
export const SUBMITTED_CONF_ENV = 'DSTREAM_CONF';

/**
 * The settings given on the command line (`dstream run --conf key=value`, as `spark-submit --conf`
 * sets what every `SparkConf` of the application reads). A context's own `conf` option overrides
 * them. Passed in the environment, so that an application with its own copy of the package sees
 * them too.
 */
export function submittedConf(): Record<string, string> {
  const text = process.env[SUBMITTED_CONF_ENV];
  if (text === undefined || text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === 'string')
  ) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_CONF',
      `${SUBMITTED_CONF_ENV} must be a JSON object of string settings, such as {"spark.streaming.receiver.writeAheadLog.enable":"true"}; it is ${text}. Pass settings with dstream run --conf key=value.`,
    );
  }
  return parsed as Record<string, string>;
}
