// `dstream run`'s spark-submit options: what they make of the settings the application gets.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { DStreamError } from '../errors.js';
import { parseMaster } from '../rdd/master.js';
import { parseProperties } from './properties-file.js';

/** The folder whose `spark-defaults.conf` is read when no `--properties-file` is given. */
export const CONF_DIR_ENV = 'DSTREAM_CONF_DIR';
export const DEFAULTS_FILE = 'spark-defaults.conf';

/** `dstream run`'s options, as commander parses them. */
export interface SubmitOptions {
  master?: string;
  name?: string;
  conf?: Record<string, string>;
  propertiesFile?: string;
  deployMode?: string;
}

/**
 * The settings `dstream run` gives the application, with spark-submit's precedence: `--master`
 * and `--name` over `--conf`, over the properties file (`--properties-file`, else
 * `$DSTREAM_CONF_DIR/spark-defaults.conf` when it exists). Keys not starting with `spark.` are
 * dropped with spark-submit's warning. The name defaults to the file's, as spark-submit names a
 * Python application after its file.
 */
export function submittedSettings(
  app: string,
  options: SubmitOptions,
  warn: (message: string) => void,
): Record<string, string> {
  const fromFile = readPropertiesFile(options.propertiesFile);
  const merged: Record<string, string> = { ...fromFile, ...options.conf };
  for (const key of Object.keys(merged)) {
    if (!key.startsWith('spark.')) {
      delete merged[key];
      warn(`Warning: Ignoring non-Spark config property: ${key}`);
    }
  }
  const deployMode = merged['spark.submit.deployMode'];
  if (deployMode !== undefined) {
    try {
      parseDeployMode(deployMode);
    } catch (e) {
      throw new DStreamError('DSTREAM_ERR_INVALID_CONF', (e as Error).message);
    }
  }
  const master = options.master ?? merged['spark.master'];
  if (master !== undefined) {
    parseMaster(master); // a bad one fails now, not once the application has loaded
    merged['spark.master'] = master;
  }
  merged['spark.app.name'] = options.name ?? merged['spark.app.name'] ?? basename(app);
  return merged;
}

function readPropertiesFile(given: string | undefined): Record<string, string> {
  let path = given;
  if (path === undefined) {
    const dir = process.env[CONF_DIR_ENV];
    if (dir === undefined || dir === '') return {};
    path = join(dir, DEFAULTS_FILE);
    if (!existsSync(path)) return {};
  }
  // Spark's messages (Utils.getPropertiesFromFile).
  if (!existsSync(path)) {
    throw new DStreamError('DSTREAM_ERR_INVALID_CONF', `Properties file ${path} does not exist`);
  }
  if (!statSync(path).isFile()) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_CONF',
      `Properties file ${path} is not a normal file`,
    );
  }
  return parseProperties(readFileSync(path, 'utf8'));
}

/** `--conf key=value`, repeatable: the value is everything after the first `=`. */
export function collectConf(
  setting: string,
  conf: Record<string, string> = {},
): Record<string, string> {
  const eq = setting.indexOf('=');
  if (eq <= 0) {
    throw new InvalidArgumentError(
      `expected key=value, such as spark.streaming.blockInterval=100ms`,
    );
  }
  return { ...conf, [setting.slice(0, eq).trim()]: setting.slice(eq + 1).trim() };
}

/** `--master`: a master dstream can run, checked before the application loads. */
export function parseMasterOption(master: string): string {
  try {
    parseMaster(master);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return master;
}

/**
 * `--deploy-mode`: `client` only. dstream runs the application in this process, which is what
 * Spark calls client mode; there is no cluster to send the driver to.
 */
export function parseDeployMode(mode: string): string {
  if (mode === 'client') return mode;
  if (mode === 'cluster') {
    throw new InvalidArgumentError(
      'Cluster deploy mode is not compatible with master "local": dstream runs the application ' +
        'in this process (client mode). Leave out --deploy-mode (or give client); to keep an ' +
        'application running on a server, run dstream run under a service manager (systemd, ' +
        'Docker, Kubernetes), whose SIGTERM stops it (gracefully with ' +
        'spark.streaming.stopGracefullyOnShutdown=true).',
    );
  }
  throw new InvalidArgumentError('Deploy mode must be either client or cluster');
}
