/**
 * A custom receiver (§五.2 Custom Receivers), as Spark's guide writes one: a class extending
 * `Receiver<T>` whose `onStart()` opens a connection and hands every record to `store`, whose
 * `onStop()` closes it, and which calls `restart` when the connection fails or ends. This one
 * reads the lines of a TCP server, as socketTextStream does; the stream counts their words.
 *
 * `onStart()` and `onStop()` must not block: they run on the driver's event loop, so the receiver
 * reads with events (Spark's starts a thread instead).
 *
 * Run, in two terminals:
 *   dstream feed
 *   dstream run examples/custom-receiver.ts localhost 9999
 */
import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { Receiver, StreamingContext, Seconds, type DStream } from 'dstream';

const [host = 'localhost', port = '9999'] = process.argv.slice(2);

/** Receives the lines a TCP server sends; reconnects when the connection fails or ends. */
class CustomReceiver extends Receiver<string> {
  private readonly host: string;
  private readonly port: number;
  private socket: Socket | undefined;

  constructor(host: string, port: number) {
    super();
    this.host = host;
    this.port = port;
  }

  onStart(): void {
    // Start receiving: connect, and store each line as it arrives.
    const socket = createConnection(this.port, this.host);
    this.socket = socket;
    createInterface({ input: socket }).on('line', (line) => {
      if (!this.isStopped()) this.store(line);
    });
    socket.on('error', (e) => {
      this.restart(`Error connecting to ${this.host}:${this.port}`, e);
    });
    socket.on('end', () => {
      this.restart('Trying to connect again');
    });
  }

  onStop(): void {
    // Stop receiving: close what onStart opened.
    this.socket?.destroy();
    this.socket = undefined;
  }
}

// TODO: 1. Build the streaming context.
const ssc = new StreamingContext({
  master: 'local[3]',
  appName: 'CustomReceiver',
  batchDuration: Seconds(5),
});
ssc.sparkContext.setLogLevel('WARN');

// TODO: 2. Read lines with the custom receiver.
const inputDStream: DStream<string> = ssc.receiverStream(new CustomReceiver(host, Number(port)));

// TODO: 3. Count the words of each batch.
const wordCountsDStream = inputDStream
  .flatMap((line) => line.split(/\s+/).filter((word) => word.length > 0))
  .map((word) => [word, 1] as const)
  .reduceByKey((a, b) => a + b);

// TODO: 4. Output the result of each batch.
wordCountsDStream.print(10);

// TODO: 5. Start, and run until stopped (Ctrl-C).
await ssc.start();
await ssc.awaitTermination();
