/**
 * The event log's append as one statement on PostgreSQL (data-modifying WITH): the account's next
 * number (the counter's row, locked until commit, so numbers become visible in order), the event,
 * and a delivery for each enabled endpoint of the account that wants its type. One round trip in
 * every change that tells of itself, where the portable path (../repositories/events.ts) takes three.
 */
import { sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { deliveryIdSuffix, type AppendedEvent, type EventToAppend, type QueryDb } from "../repositories/context.js";

export async function appendEvent(db: QueryDb, event: EventToAppend): Promise<AppendedEvent> {
  const statement = sql`
    WITH counter AS (
      INSERT INTO event_counters (account_id, last_seq) VALUES (${event.accountId}, 1)
      ON CONFLICT (account_id) DO UPDATE SET last_seq = event_counters.last_seq + 1
      RETURNING last_seq
    ), inserted AS (
      INSERT INTO events (id, account_id, seq, type, data, created_at)
      SELECT ${event.id}, ${event.accountId}, counter.last_seq, ${event.type}, ${JSON.stringify(event.data)}::json, ${event.createdAt} FROM counter
      RETURNING seq
    ), queued AS (
      INSERT INTO webhook_deliveries (id, endpoint_id, event_id, account_id, event_seq, status, attempts, next_attempt_at, created_at)
      SELECT 'whd_' || substr(w.id, 4) || ${deliveryIdSuffix(event.id)}, w.id, ${event.id}, w.account_id, inserted.seq, 'PENDING', 0, ${event.createdAt}, ${event.createdAt}
      FROM webhook_endpoints w CROSS JOIN inserted
      WHERE w.account_id = ${event.accountId} AND w.enabled
        AND (w.event_types IS NULL OR w.event_types::jsonb IN ('null'::jsonb, '[]'::jsonb) OR w.event_types::jsonb @> jsonb_build_array(${event.type}::text))
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT seq FROM inserted) AS seq, (SELECT count(*) FROM queued)::int AS deliveries`;
  const result = await (db as unknown as NodePgDatabase).execute<{ seq: number; deliveries: number }>(statement);
  const [row] = result.rows;
  return { seq: Number(row.seq), deliveries: Number(row.deliveries) };
}
