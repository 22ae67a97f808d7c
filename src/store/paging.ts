/** A page read with one row more than asked, which tells whether another page follows. */
export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

export function pageOf<T>(rows: T[], first: number): Page<T> {
  return { items: rows.slice(0, first), hasNextPage: rows.length > first };
}
