// A minimal WebSocket client (RFC 6455) for the API tests: Node 20 has no
// global WebSocket, and these tests need to set Origin and Cookie, which
// browser-style clients cannot. Text frames carry JSON; the client answers
// pings and close frames like a browser would.
import http from 'node:http';
import https from 'node:https';
import { createHash, randomBytes } from 'node:crypto';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

// Opens `url` (http:// or https://host:port/path; `ca` trusts a test
// certificate). Resolves with a Socket, or with {refused: true, status, body}
// when the server answers without upgrading.
export function openSocket(url, { headers = {}, protocols = [], ca } = {}) {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const client = url.startsWith('https:') ? https : http;
    const req = client.request(url, {
      ...(ca ? { ca } : {}),
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': key,
        ...(protocols.length ? { 'Sec-WebSocket-Protocol': protocols.join(', ') } : {}),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket, head) => {
      const want = createHash('sha1').update(key + GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== want) {
        socket.destroy();
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      resolve(new Socket(socket, head, res.headers));
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let body = null;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ refused: true, status: res.statusCode, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export class Socket {
  constructor(socket, head, headers) {
    this.socket = socket;
    this.protocol = headers['sec-websocket-protocol'];
    this.messages = [];   // every JSON message received, in order
    this.closeCode = null;
    this.buffer = head;
    this.fragments = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        resolve(this.closeCode);
        for (const w of this.waiters) w.check();
      });
    });
    socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.parse();
    });
    socket.on('error', () => {});
    if (head.length) this.parse();
  }

  send(value) { this.frame(1, Buffer.from(JSON.stringify(value))); }
  sendText(text) { this.frame(1, Buffer.from(text)); }

  // Sends a close frame and waits for the connection to end.
  async close(code = 1000) {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    this.frame(8, payload);
    return this.closed;
  }

  // Resolves with the first message (received before or after the call)
  // that `match` accepts; rejects after `timeoutMs`.
  waitFor(match, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          const found = this.messages.find(match);
          if (found) {
            clearTimeout(waiter.timer);
            this.waiters = this.waiters.filter((w) => w !== waiter);
            resolve(found);
          }
        },
      };
      waiter.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
      waiter.check();
    });
  }

  // The notifications received, optionally only those after message `from`.
  notifications(from = 0) {
    return this.messages.slice(from).filter((m) => m.type === 'notification');
  }

  frame(opcode, payload) {
    if (this.socket.destroyed) return;
    const mask = randomBytes(4);
    let header;
    if (payload.length < 126) {
      header = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
    } else if (payload.length < 65536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    const masked = Buffer.alloc(payload.length);
    for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  parse() {
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) return;
      const payload = b.subarray(offset, offset + length);
      this.buffer = b.subarray(offset + length);
      this.onFrame(fin, opcode, payload);
    }
  }

  onFrame(fin, opcode, payload) {
    if (opcode === 9) { this.frame(10, payload); return; }
    if (opcode === 10) return;
    if (opcode === 8) {
      this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.frame(8, payload.subarray(0, 2));
      this.socket.end();
      return;
    }
    this.fragments.push(payload);
    if (!fin) return;
    const text = Buffer.concat(this.fragments).toString('utf8');
    this.fragments = [];
    this.messages.push(JSON.parse(text));
    for (const w of [...this.waiters]) w.check();
  }
}
