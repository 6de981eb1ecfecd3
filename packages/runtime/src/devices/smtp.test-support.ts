/**
 * A real SMTP receiver on loopback (the `smtp-server` package) for email verification tests:
 * every message it accepts is parsed enough to read its recipients and body.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
}

export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private readonly waiting = new Set<(mail: ReceivedMail) => void>();
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        this.mails.push(mail);
        for (const deliver of [...this.waiting]) deliver(mail);
        callback();
      });
    },
  });

  static async start(): Promise<SmtpReceiver & { url: string }> {
    const receiver = new SmtpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.server.address() as AddressInfo;
    return Object.assign(receiver, { url: `smtp://127.0.0.1:${port}` });
  }

  /** The next mail to `to`. */
  next(to: string): Promise<ReceivedMail> {
    return new Promise((resolve) => {
      const deliver = (mail: ReceivedMail) => {
        if (!mail.to.includes(to)) return;
        this.waiting.delete(deliver);
        resolve(mail);
      };
      this.waiting.add(deliver);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
