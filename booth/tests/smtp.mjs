// A minimal SMTP sink for the browser tests (loopback only): it accepts
// every message and keeps it, so the tests read the sign-in mails the
// server sends (initiatives.md §2.2) as a member reads their inbox.
import net from 'node:net';

/** Starts the sink; resolves with {port, mails, to(address), wait(address, n), close()}. */
export function smtpSink() {
  const mails = [];
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let buf = '';
    let data = null;
    const say = (line) => sock.write(`${line}\r\n`);
    say('220 sink ESMTP');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (data !== null) {
          if (line === '.') { mails.push(data.join('\n')); data = null; say('250 queued'); } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') say('250 sink');
        else if (verb === 'DATA') { data = []; say('354 go on'); } else if (verb === 'QUIT') { say('221 bye'); sock.end(); } else say('250 ok');
      }
    });
    sock.on('error', () => {});
  });
  // Quoted-printable soft breaks and escapes undone (what a mail reader shows).
  const plain = (m) => m.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, x) => String.fromCharCode(parseInt(x, 16)));
  const to = (address) => mails.filter((m) => m.includes(`To: ${address}`)).map(plain);
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      mails,
      to,
      async wait(address, n, timeout = 10000) {
        const t0 = Date.now();
        while (to(address).length < n) {
          if (Date.now() - t0 > timeout) throw new Error(`no mail ${n} to ${address}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return to(address)[n - 1];
      },
      close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
    }));
  });
}
