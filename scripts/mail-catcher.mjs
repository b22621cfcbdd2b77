// A development SMTP server that accepts every message and prints it: what `npm run dev` uses
// when SMTP_URL is not set, so a newcomer sees e-mail jobs arrive without a mail server.
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** @returns {Promise<{ url: string, close: () => Promise<void> }>} */
export async function startMailCatcher({ port = 1025, print = (text) => process.stdout.write(text) } = {}) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
          print(
            [
              '',
              '┌─ mail catcher: new message ' + '─'.repeat(40),
              `│ From:    ${session.envelope.mailFrom ? session.envelope.mailFrom.address : ''}`,
              `│ To:      ${to}`,
              `│ Subject: ${mail.subject ?? ''}`,
              '│',
              ...(mail.text ?? '').trimEnd().split('\n').map((line) => `│ ${line}`),
              '└' + '─'.repeat(68),
              '',
            ].join('\n'),
          );
          callback();
        })
        .catch(callback);
    },
  });
  const listen = (p) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(server.server.address().port);
      });
    });
  let bound;
  try {
    bound = await listen(port);
  } catch {
    bound = await listen(0);
  }
  return { url: `smtp://127.0.0.1:${bound}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
