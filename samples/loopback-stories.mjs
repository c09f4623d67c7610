// Plays one TCP story over loopback with the Linux stack's real sockets, for
// record-loopback.sh to capture. Usage: node loopback-stories.mjs STORY PORT
import net from 'node:net';

const [story, portText] = process.argv.slice(2);
const port = Number(portText);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function listen(opts, onConnection) {
  return new Promise((resolve) => {
    const server = net.createServer(opts, onConnection);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function connect() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

const stories = {
  // 3-way handshake, a request and a reply, then the client closes first: 4-way close.
  async 'handshake-close'() {
    const server = await listen({}, (s) => {
      s.once('data', () => s.write('HTTP/1.0 200 OK\r\n\r\nhello\n'));
    });
    const c = await connect();
    c.write('GET / HTTP/1.0\r\n\r\n');
    await new Promise((r) => c.once('data', r));
    await sleep(50);
    c.end();
    await new Promise((r) => c.once('close', r));
    server.close();
  },
  // Nothing listens: the SYN is answered by RST,ACK (ECONNREFUSED).
  async refused() {
    await connect().then(
      () => {
        throw new Error('connected to a closed port');
      },
      (err) => {
        if (err.code !== 'ECONNREFUSED') throw err;
      },
    );
  },
  // The client aborts with SO_LINGER 0 (socket.resetAndDestroy): RST while data was exchanged.
  async 'rst-abort'() {
    const server = await listen({}, (s) => {
      s.on('error', () => {});
      s.once('data', () => s.write('partial reply'));
    });
    const c = await connect();
    c.write('request that will be aborted');
    await new Promise((r) => c.once('data', r));
    await sleep(50);
    c.resetAndDestroy();
    await sleep(100);
    server.close();
  },
  // The client half-closes after its request; the server keeps sending data after that FIN,
  // then closes its own side.
  async 'half-close'() {
    const server = await listen({ allowHalfOpen: true }, (s) => {
      s.on('end', async () => {
        for (let i = 0; i < 3; i++) {
          s.write(`chunk ${i} sent after the peer's FIN\n`);
          await sleep(30);
        }
        s.end();
      });
      s.resume();
    });
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((r) => c.once('connect', r));
    c.end('request, then FIN\n');
    c.resume();
    await new Promise((r) => c.once('end', r));
    c.end();
    await sleep(50);
    server.close();
  },
};

const run = stories[story];
if (run === undefined) {
  console.error(`unknown story ${story}; one of: ${Object.keys(stories).join(', ')}`);
  process.exit(2);
}
await run();
