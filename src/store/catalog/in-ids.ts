import { sql, type SQLWrapper } from "drizzle-orm";

/**
 * `column IN (ids)` with the ids bound as one JSON array, so a single prepared statement serves
 * any batch size (a plain IN list needs a new statement per length). Pass `idsParam(ids)`.
 */
export const inIds = (column: SQLWrapper) => sql`${column} in (select value from json_each(${sql.placeholder("ids")}))`;
export const idsParam = (ids: readonly string[]) => ({ ids: JSON.stringify(ids) });
