import { DStreamError } from '../errors.js';

/**
 * The environment variable through which `dstream run` passes its settings (`--conf key=value`,
 * `--master`, `--name`, `--properties-file`) to the application, as a JSON object.
 */
export const SUBMITTED_CONF_ENV = 'DSTREAM_CONF';

/** The master of an application that sets none, as `spark-submit`'s. */
export const DEFAULT_MASTER = 'local[*]';

/**
 * The settings given on the command line (`dstream run --conf key=value`, as `spark-submit --conf`
 * sets what every `SparkConf` of the application reads). A context's own `conf` option overrides
 * them. Passed in the environment, so that an application with its own copy of the package sees
 * them too, and so do its task threads.
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

/** What a context is created with: its master, name and settings as given in the code. */
export interface ApplicationOptions {
  readonly master?: string | undefined;
  readonly appName?: string | undefined;
  readonly conf?: Readonly<Record<string, string>> | undefined;
}

/** The settings in force: the master and name resolved, and written in `conf` as Spark's are. */
export interface ApplicationSettings {
  readonly master: string;
  readonly appName: string;
  readonly conf: Readonly<Record<string, string>>;
}

/**
 * The settings of a context, with Spark's precedence: what the application sets in its code
 * (`master`, `appName`, `conf`) wins over what `dstream run` was given (`--master`, `--name`,
 * `--conf`, the properties file, merged by the command in that order), and `local[*]` is the
 * master when nobody sets one. A name is required, as Spark's SparkContext requires one; `dstream
 * run` gives the file's name.
 */
export function applicationSettings(options: ApplicationOptions): ApplicationSettings {
  const conf: Record<string, string> = { ...submittedConf(), ...options.conf };
  const master = options.master ?? conf['spark.master'] ?? DEFAULT_MASTER;
  const appName = options.appName ?? conf['spark.app.name'];
  if (appName === undefined || appName === '') {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_CONF',
      'An application name must be set in your configuration: give appName, or run the application with dstream run (--name, else the file name).',
    );
  }
  conf['spark.master'] = master;
  conf['spark.app.name'] = appName;
  return { master, appName, conf };
}
