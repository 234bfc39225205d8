// One line of <MiB> MiB of 'x' through socketTextStream (docs/reliability.md): the time from the
// first byte sent to the end of the batch that holds it, what the batch got, and the process's
// peak RSS. Run: npm run build && node_modules/.bin/node bench/socket-long-line.ts <MiB>
// (0 gives the baseline; past 512 MiB the line is dropped and reported).
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

// The built code (types from the sources, so that this file type-checks before a build).
const { setLogLevel } = (await import(
  new URL('../dist/index.js', import.meta.url).href
)) as typeof import('../src/index.js');
const { createManualContext } = (await import(
  new URL('../dist/testing/index.js', import.meta.url).href
)) as typeof import('../src/testing/index.js');

setLogLevel('ERROR');
const mib = Number(process.argv[2] ?? 100);
const server = createServer();
const connection = new Promise<Socket>((resolve) => server.once('connection', resolve));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { ssc, clock } = createManualContext();
const lengths: number[] = [];
ssc
  .socketTextStream('127.0.0.1', (server.address() as AddressInfo).port)
  .foreachRDD(async (rdd) => {
    lengths.push(...(await rdd.map((l) => l.length).collect()));
  });
const errors: string[] = [];
let readAll: () => void = () => {};
const stopped = new Promise<void>((resolve) => (readAll = resolve));
ssc.addStreamingListener({
  onReceiverStopped: () => readAll(),
  onReceiverError: (e) => errors.push(e.receiverInfo.lastErrorMessage),
});
await ssc.start();
const socket = await connection;
const write = (data: string | Buffer) =>
  new Promise<void>((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve())));
const chunk = Buffer.alloc(1 << 20, 'x');
const t0 = performance.now();
for (let i = 0; i < mib; i++) await write(chunk);
await write('\nafter\n');
socket.end();
await stopped; // the end of the stream: everything sent has been read
await clock.advance(1000);
const ms = Math.round(performance.now() - t0);
await ssc.stop();
server.close();
const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify({ mib, lineLengths: lengths, errors, ms, maxRssMB }));
