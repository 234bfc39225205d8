import { readFileSync } from 'node:fs';
import { DStreamError } from '../../errors.js';

// A Flume agent's configuration file (Java properties: `a1.sinks.k1.port = 41414`), read to know
// what the agent will run, and rewritten with settings given on the command line (`--set`).

/** The SparkSink's class, as `type` names it. */
export const SPARK_SINK_TYPE = 'org.apache.spark.streaming.flume.sink.SparkSink';

/** One `key = value` line of a properties file (no line continuations: Flume's files have none). */
function parseLine(line: string): [string, string] | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#') || text.startsWith('!')) return undefined;
  const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(text);
  return m ? [m[1]!, m[2]!.trim()] : undefined;
}

/** The properties of a configuration text, in order. */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const kv = parseLine(line);
    if (kv) props.set(kv[0], kv[1]);
  }
  return props;
}

/**
 * The configuration file's text with `overrides` applied, each key relative to the agent
 * (`sinks.k1.port` is `<agent>.sinks.k1.port`): a key already set is replaced where it is, a new
 * one is appended.
 */
export function agentConfig(
  file: string,
  agent: string,
  overrides: Readonly<Record<string, string>> = {},
): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DStreamError(
      'DSTREAM_ERR_FLUME_AGENT_START',
      `Cannot read the Flume configuration ${file}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const lines = text.split(/\r?\n/);
  const left = new Map(Object.entries(overrides).map(([k, v]) => [`${agent}.${k}`, v]));
  const out = lines.map((line) => {
    const kv = parseLine(line);
    if (!kv || !left.has(kv[0])) return line;
    const value = left.get(kv[0])!;
    left.delete(kv[0]);
    return `${kv[0]} = ${value}`;
  });
  if (left.size > 0) {
    out.push('# set on the command line');
    for (const [k, v] of left) out.push(`${k} = ${v}`);
  }
  return out.join('\n').trimEnd() + '\n';
}

/** A SparkSink of the agent: where it listens for the polling stream. */
export interface SparkSinkAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** What the agent named `agent` runs, read from its configuration text. */
export interface AgentPlan {
  readonly sources: readonly string[];
  /** Sources that listen (netcat, avro, http, syslog...): ready once their port accepts. */
  readonly listeningSources: readonly SparkSinkAddress[];
  readonly sinks: readonly string[];
  readonly sparkSinks: readonly SparkSinkAddress[];
}

export function agentPlan(text: string, agent: string): AgentPlan {
  const props = parseProperties(text);
  const list = (key: string) => (props.get(`${agent}.${key}`) ?? '').split(/\s+/).filter(Boolean);
  const sources = list('sources');
  const sinks = list('sinks');
  if (sources.length === 0 && sinks.length === 0) {
    throw new DStreamError(
      'DSTREAM_ERR_FLUME_AGENT_START',
      `The configuration has no agent named '${agent}' (no ${agent}.sources or ${agent}.sinks): ` +
        'give the agent name the file uses with --name.',
    );
  }
  const sparkSinks = sinks
    .filter((s) => props.get(`${agent}.sinks.${s}.type`) === SPARK_SINK_TYPE)
    .map((s) => {
      const port = Number(props.get(`${agent}.sinks.${s}.port`));
      const host = props.get(`${agent}.sinks.${s}.hostname`) ?? '0.0.0.0';
      return { name: s, host: host === '0.0.0.0' ? '127.0.0.1' : host, port };
    });
  const listeningSources = sources
    .filter((s) => props.has(`${agent}.sources.${s}.port`))
    .map((s) => {
      const host = props.get(`${agent}.sources.${s}.bind`) ?? '127.0.0.1';
      return {
        name: s,
        host: host === '0.0.0.0' ? '127.0.0.1' : host,
        port: Number(props.get(`${agent}.sources.${s}.port`)),
      };
    });
  return { sources, listeningSources, sinks, sparkSinks };
}
