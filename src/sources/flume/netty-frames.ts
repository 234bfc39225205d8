// Avro RPC over Netty, the framing of Avro's NettyTransportCodec that Flume's Avro sink and Spark's
// SparkSink speak: each call or answer is a packet of an int32 serial, an int32 buffer count, then
// each buffer as an int32 length and its bytes (all big-endian). avsc encodes the calls, answers
// and handshakes inside; the packets are cut here and handed to avsc in its `objectMode`, because
// avsc's own Netty codec (not exported) cannot do three things this integration needs
// (each measured against a real Flume 1.11 agent):
// - an avsc server drops every call whose serial is 65536 or more, and a Flume sink numbers the
//   calls of a connection 1, 2, 3...: it would stall for 25 s every 65,535 calls. A server
//   connection here gives avsc the serial's low 16 bits and puts the real serial back on the answer;
// - a malformed packet (a negative or huge length) must fail the connection with a clear error,
//   not be buffered until memory runs out;
// - a packet goes out in one write: avsc's codec writes header, lengths and bytes separately, which
//   with Nagle's algorithm costs a delayed ACK per answer (also why sockets get setNoDelay).
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { DStreamError } from '../../errors.js';

/** A call or an answer, as avsc's channels take and give them in `objectMode`. */
export interface Packet {
  id: number;
  payload: Buffer[];
}

/** The most a packet may hold: far above a batch of Flume events, far below what hurts. */
export const MAX_PACKET_BYTES = 256 * 1024 * 1024;
const MAX_BUFFERS = 1 << 20;

/** Cuts the bytes of a connection into packets; throws on one no Netty codec could have sent. */
export class PacketReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    /** Where the bytes come from, for messages: `127.0.0.1:51234`. */
    private readonly peer: string,
  ) {}

  /** The packets completed by `chunk`, in order. */
  read(chunk: Buffer): Packet[] {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const packets: Packet[] = [];
    for (;;) {
      if (buf.length < 8) break;
      const id = buf.readInt32BE(0);
      const count = buf.readInt32BE(4);
      if (count < 0 || count > MAX_BUFFERS) throw this.malformed(`a packet of ${count} buffers`);
      let at = 8;
      let total = 0;
      const payload: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        if (buf.length < at + 4) break;
        const length = buf.readInt32BE(at);
        total += length;
        if (length < 0 || total > MAX_PACKET_BYTES) {
          throw this.malformed(`a buffer of ${length} bytes`);
        }
        if (buf.length < at + 4 + length) break;
        payload.push(buf.subarray(at + 4, at + 4 + length));
        at += 4 + length;
      }
      if (payload.length < count) break;
      packets.push({ id, payload });
      buf = buf.subarray(at);
    }
    // Copied, so that a packet's buffers do not keep a large chunk alive.
    this.pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
    return packets;
  }

  private malformed(what: string): DStreamError {
    return new DStreamError(
      'DSTREAM_ERR_FLUME_PROTOCOL',
      `Malformed Avro RPC frame from ${this.peer}: ${what} (expected Avro's Netty framing: ` +
        `serial, buffer count, then length-prefixed buffers); is the sender a Flume Avro sink ` +
        `or SparkSink? The connection is closed.`,
    );
  }
}

/** One packet in one buffer. */
export function encodePacket(packet: Packet): Buffer {
  let size = 8;
  for (const b of packet.payload) size += 4 + b.length;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(packet.id, 0);
  out.writeInt32BE(packet.payload.length, 4);
  let at = 8;
  for (const b of packet.payload) {
    out.writeInt32BE(b.length, at);
    b.copy(out, at + 4);
    at += 4 + b.length;
  }
  return out;
}

/**
 * The socket as avsc's `objectMode` transport. `serverSide`: calls reach avsc with the low 16 bits
 * of their serial, and answers leave with the serial of their call. A malformed packet destroys
 * the socket and is given to `onMalformed`.
 */
export function packetTransport(
  socket: Socket,
  serverSide: boolean,
  onMalformed: (error: DStreamError) => void,
): Duplex {
  const reader = new PacketReader(`${socket.remoteAddress}:${socket.remotePort}`);
  /** Serial of each call being answered, by the id avsc knows it by. */
  const serials = new Map<number, number>();
  const transport = new Duplex({
    objectMode: true,
    read() {
      socket.resume();
    },
    write(packet: Packet, _encoding, done) {
      let id = packet.id;
      if (serverSide) {
        const serial = serials.get(id);
        if (serial !== undefined) {
          serials.delete(id);
          id = serial;
        }
      }
      if (socket.destroyed) {
        done();
        return;
      }
      socket.write(encodePacket({ id, payload: packet.payload }), () => done());
    },
    final(done) {
      socket.end();
      done();
    },
  });
  socket.on('data', (chunk: Buffer) => {
    let packets: Packet[];
    try {
      packets = reader.read(chunk);
    } catch (e) {
      socket.destroy();
      onMalformed(e as DStreamError);
      return;
    }
    for (const p of packets) {
      if (serverSide) {
        const masked = p.id & 0xffff;
        serials.set(masked, p.id);
        p.id = masked;
      }
      if (!transport.push(p)) socket.pause();
    }
  });
  socket.on('close', () => transport.push(null));
  return transport;
}
