/**
 * Verification links by email, through the operator's SMTP server (`patchbay serve --smtp-url
 * smtp://user:pass@host:587 --smtp-from 'Patchbay <no-reply@example.com>'`), sent with nodemailer.
 *
 * @example
 * const mailer = smtpMailer({ url: 'smtp://127.0.0.1:2525', from: 'no-reply@example.com' });
 * await mailer.sendLink('ann@example.com', 'https://pb.example.com/patchbay/v1/...', 'tab-1');
 */
import { createTransport } from 'nodemailer';

export interface Mailer {
  sendLink(to: string, link: string, deviceId: string): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  /** `smtp://` or `smtps://`, with credentials if the server wants them. */
  readonly url: string;
  /** The sender: `Name <address>` or an address. */
  readonly from: string;
  /** Refuse servers whose TLS certificate does not verify. @default true */
  readonly verifyTls?: boolean;
}

export function smtpMailer(settings: SmtpSettings): Mailer {
  const url = new URL(settings.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new TypeError(`${settings.url}: an smtp:// or smtps:// URL`);
  const secure = url.protocol === 'smtps:';
  const transport = createTransport(
    {
      host: url.hostname,
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      tls: { rejectUnauthorized: settings.verifyTls ?? true },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    },
    { from: settings.from },
  );
  return {
    async sendLink(to, link, deviceId) {
      await transport.sendMail({
        to,
        subject: 'Confirm your email address',
        text: `Open this link to confirm this address for the device "${deviceId}":\n\n${link}\n\nIt works once, for 10 minutes. If you did not ask for it, ignore this email.`,
      });
    },
    close: () => transport.close(),
  };
}
