import { request } from 'node:http';

// Readiness of an OpenSearch or Elasticsearch node: the HTTP port opens at the end of the node's
// start, then the single-node cluster must say yellow or green (its first health call usually says
// green already). Asked with node:http, so that no client library is needed.

/** True when 127.0.0.1:`port` answers cluster health yellow or green. */
export function clusterHealthy(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/_cluster/health?wait_for_status=yellow&timeout=1s',
        timeout: 5000,
        // A fresh connection each time: an agent's kept-alive socket would outlive the check.
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () =>
          done(
            res.statusCode === 200 &&
              /"status":"(yellow|green)"/.test(body) &&
              body.includes('"timed_out":false'),
          ),
        );
        res.on('error', () => done(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}
