/**
 * Delivers the email outbox over SMTP (nodemailer) when SMTP_URL is set. Each email is claimed
 * before it is sent (a conditional update that also counts the attempt and leases it for a while),
 * so two senders, on this node or another, never send it twice; a failed send is retried with
 * backoff. Without SMTP the emails stay in the outbox, visible to operators.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";

const RETRY_MS = [30_000, 5 * 60_000, 30 * 60_000, 3 * 3600_000];
const MAX_ATTEMPTS = 8;
/** How long a claimed email is left to its sender before another may try it. */
const CLAIM_MS = 2 * 60_000;

export class OutboxMailer {
  private readonly transport: Transporter | null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: { smtpUrl?: string; from: string },
    private readonly from = options.from,
  ) {
    // Every wait well inside the claim (CLAIM_MS): a send may not outlive it and be claimed again elsewhere.
    this.transport = options.smtpUrl
      ? nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 } as Parameters<
          typeof nodemailer.createTransport
        >[0])
      : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  /** Sends what is due; concurrent calls on this node share one run. Returns how many were sent. */
  deliverPending(): Promise<number> {
    if (!this.transport) return Promise.resolve(0);
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    const due = await this.store.reads.emails.due(this.clock.now().toISOString(), MAX_ATTEMPTS, 50);
    let sent = 0;
    for (const mail of due) {
      const until = new Date(this.clock.now().getTime() + CLAIM_MS).toISOString();
      if (!(await this.store.transaction((tx) => tx.emails.claim(mail, until)))) continue;
      try {
        await this.transport!.sendMail({ from: this.from, to: mail.recipient, subject: mail.subject, text: mail.body });
        // Sent: recorded only while the claim is still ours, so a send that outlived it is not also counted as failed.
        if (await this.store.transaction((tx) => tx.emails.settle(mail, { sentAt: this.clock.now().toISOString(), nextAttemptAt: null }))) sent++;
      } catch (error) {
        const wait = RETRY_MS[Math.min(mail.attempts, RETRY_MS.length - 1)];
        const lastError = error instanceof Error ? error.message : String(error);
        await this.store.transaction((tx) => tx.emails.settle(mail, { lastError, nextAttemptAt: new Date(this.clock.now().getTime() + wait).toISOString() }));
        this.logger.warn("email delivery failed", { seq: mail.seq, error: lastError });
      }
    }
    return sent;
  }

  close(): void {
    this.transport?.close();
  }
}
