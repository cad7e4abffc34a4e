import pg from "pg";

/** OIDs of the date and time types whose values pg would turn into JS Dates or objects, and of their arrays. */
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const INTERVAL = 1186;
const ARRAYS: Record<number, number> = { 1182: DATE, 1115: TIMESTAMP, 1185: TIMESTAMPTZ, 1187: INTERVAL };

/**
 * A date or time value as PostgreSQL's own JSON writes it (and so PostgREST answers it), from its
 * text (DateStyle ISO, the default): `2024-01-02 03:04:05.123456+00` → `2024-01-02T03:04:05.123456+00:00`
 * (the offset is the session's TimeZone, the database's setting); a date, an interval, `infinity`, or
 * text in another DateStyle as it is. Never a JS Date: that would keep milliseconds only and read a date
 * or a timestamp without zone in the proxy's own time zone. No session setting is sent (a pooler such
 * as PgBouncer may refuse startup options).
 */
export function timeText(text: string): string {
  const match = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)?(:\d\d)?(:\d\d)?$/.exec(text);
  if (!match) return text;
  const [, day, time, hours, minutes, seconds] = match;
  if (hours === undefined) return `${day}T${time}`;
  return `${day}T${time}${hours}${minutes ?? ":00"}${seconds ?? ""}`;
}

type Nested = string | null | Nested[];
/** pg's parser of a `text[]` (OID 1009, not among its named builtins): nested arrays of strings and nulls. */
const textArray = (pg.types.getTypeParser as (oid: number) => (text: string) => Nested[])(1009);
const mapNested = (value: Nested, map: (text: string) => string): Nested => (value === null ? null : Array.isArray(value) ? value.map((item) => mapNested(item, map)) : map(value));

/** The parser of a date or time type (or an array of one), undefined for any other type. */
export function timeParser(oid: number): ((text: string) => unknown) | undefined {
  if (oid === DATE || oid === TIMESTAMP || oid === TIMESTAMPTZ || oid === INTERVAL) return timeText;
  if (ARRAYS[oid] !== undefined) return (text) => textArray(text).map((item) => mapNested(item, timeText));
  return undefined;
}
