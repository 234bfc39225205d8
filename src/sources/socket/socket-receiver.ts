import { constants } from 'node:buffer';
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { Receiver } from '../../receiver/index.js';
import { Logger } from '../../util/logging.js';
import { closeReceiverSocket, connectReceiver } from './receiver-connection.js';

const log = new Logger('SocketReceiver');

const LF = 10;

/** The conf key bounding a line's length in characters (default: the longest string V8 can hold). */
export const MAX_LINE_LENGTH = 'spark.dstream.socket.maxLineLength';

/**
 * A TCP client reading UTF-8 text lines, as Spark's `SocketReceiver` with `bytesToLines`: a line
 * ends at `\n`, `\r\n` or `\r` (as Java's `readLine`; the terminator is dropped), a character split
 * across two reads is decoded whole, and a last line without terminator counts when the stream
 * ends. A refused connection, the end of the stream and any error restart the receiver, which
 * reconnects after the restart delay for as long as the context runs. While more than one second
 * of records waits for the rate limit the socket is paused, so the sender is held back by TCP
 * instead of the backlog growing in memory.
 *
 * A line longer than `maxLineLength` characters ({@link MAX_LINE_LENGTH}; by default the longest
 * string V8 can hold, about 512 MiB of ASCII) cannot be stored: Spark would take it until its heap
 * ran out, a string here would throw and end the process. Such a line is dropped, reported to
 * listeners (`onReceiverError`) and logged, and receiving goes on with the next line; at most
 * one line's worth of text is held meanwhile.
 */
export class SocketReceiver extends Receiver<string> {
  private socket: Socket | undefined;
  private decoder = new StringDecoder('utf8');
  private partial = '';
  /** The previous read ended with `\r`: a `\n` starting the next one belongs to it. */
  private skipLF = false;
  /** The current line grew past `maxLineLength`: its text is discarded up to its terminator. */
  private dropping = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxLineLength: number = constants.MAX_STRING_LENGTH,
  ) {
    super();
  }

  onStart(): void {
    this.decoder = new StringDecoder('utf8');
    this.partial = '';
    this.skipLF = false;
    this.dropping = false;
    this.socket = connectReceiver(this, log, this.host, this.port, () => this.socket, {
      data: (chunk, socket) => {
        this.receive(this.decoder.write(chunk));
        // Over the rate limit: stop reading, so that TCP flow control slows the sender down.
        if (this.isBackpressured()) socket.pause();
      },
      end: () => {
        this.receive(this.decoder.end());
        if (this.partial.length > 0 && !this.dropping) this.store(this.partial);
        this.partial = '';
        this.dropping = false;
        if (!this.isStopped()) this.restart('Socket data stream had no more data');
        else log.info('Stopped receiving');
      },
    });
  }

  override onDrain(): void {
    this.socket?.resume();
  }

  onStop(): void {
    const socket = this.socket;
    this.socket = undefined; // events of the closed socket are ignored from now on
    closeReceiverSocket(socket, log, this.host, this.port);
  }

  /** Stores every complete line of `text`; keeps the unterminated rest for the next read. */
  private receive(text: string): void {
    const n = text.length;
    if (n === 0) return;
    let start = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf >= 0 || cr >= 0) {
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (this.dropping) {
        this.dropping = false; // the end of a line already reported
      } else if (this.partial.length + (end - start) > this.maxLineLength) {
        this.partial = '';
        this.dropLine();
      } else {
        let line = text.slice(start, end);
        if (this.partial.length > 0) {
          line = this.partial + line;
          this.partial = '';
        }
        this.store(line);
      }
      start = end + 1;
      if (end === cr) {
        if (start === n) this.skipLF = true;
        else if (text.charCodeAt(start) === LF) start++;
      }
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
    }
    if (start >= n || this.dropping) return;
    if (this.partial.length + (n - start) > this.maxLineLength) {
      // Checked before concatenating: a string past V8's limit would throw out of this handler.
      this.partial = '';
      this.dropping = true;
      this.dropLine();
    } else {
      this.partial += text.slice(start);
    }
  }

  private dropLine(): void {
    this.reportError(
      `Dropped a line longer than ${this.maxLineLength} characters from ${this.host}:${this.port}: split the input into shorter lines, or raise ${MAX_LINE_LENGTH}`,
    );
  }
}
