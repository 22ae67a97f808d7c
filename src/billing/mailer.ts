/**
 * Delivers the email outbox over SMTP (nodemailer) when SMTP_URL is set. A failed send is retried
 * with backoff; without SMTP the emails stay in the outbox, visible to operators.
 */
import { and, asc, isNull, lte, or, eq } from "drizzle-orm";
import nodemailer, { type Transporter } from "nodemailer";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import type { Logger } from "../logger.js";

const RETRY_MS = [30_000, 5 * 60_000, 30 * 60_000, 3 * 3600_000];
const MAX_ATTEMPTS = 8;

export class OutboxMailer {
  private readonly transport: Transporter | null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: { smtpUrl?: string; from: string },
    private readonly from = options.from,
  ) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  /** Sends what is due; concurrent calls share one run. Returns how many were sent. */
  deliverPending(): Promise<number> {
    if (!this.transport) return Promise.resolve(0);
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    const { db } = this.database;
    const now = this.clock.now().toISOString();
    const due = db
      .select()
      .from(t.emailOutbox)
      .where(and(isNull(t.emailOutbox.sentAt), or(isNull(t.emailOutbox.nextAttemptAt), lte(t.emailOutbox.nextAttemptAt, now))))
      .orderBy(asc(t.emailOutbox.seq))
      .limit(50)
      .all()
      .filter((mail) => mail.attempts < MAX_ATTEMPTS);
    let sent = 0;
    for (const mail of due) {
      try {
        await this.transport!.sendMail({ from: this.from, to: mail.recipient, subject: mail.subject, text: mail.body });
        db.update(t.emailOutbox).set({ sentAt: this.clock.now().toISOString(), attempts: mail.attempts + 1 }).where(eq(t.emailOutbox.seq, mail.seq)).run();
        sent++;
      } catch (error) {
        const wait = RETRY_MS[Math.min(mail.attempts, RETRY_MS.length - 1)];
        db.update(t.emailOutbox)
          .set({
            attempts: mail.attempts + 1,
            lastError: error instanceof Error ? error.message : String(error),
            nextAttemptAt: new Date(this.clock.now().getTime() + wait).toISOString(),
          })
          .where(eq(t.emailOutbox.seq, mail.seq))
          .run();
        this.logger.warn("email delivery failed", { seq: mail.seq, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return sent;
  }

  close(): void {
    this.transport?.close();
  }
}
