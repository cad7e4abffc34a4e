/**
 * `tasker_sql_json(doc json) RETURNS json`: `doc` as PostgreSQL's json operators can read it. They
 * turn every string of a document into `text` as they parse it, and refuse the whole document when
 * one string holds a `\u0000` or an unpaired surrogate escape, which a value may hold; so every such
 * escape (and, to find them, every escaped backslash) is rewritten: `\u0000` and any `\ud800`–`\udfff`
 * become U+FFFD, `\\` becomes `\u005c`. A document without them (the usual case) is returned as it
 * is, after a scan of its text. For SQL that reads names, ids and numbers, never for a value: a value
 * is read from `events.data`, as written. Not STRICT, so that PostgreSQL inlines it (NULL gives NULL).
 */
export const createSqlJsonFunction = `
CREATE FUNCTION tasker_sql_json(doc json) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN strpos(doc::text, '\\u0000') = 0 AND strpos(doc::text, '\\ud') = 0 AND strpos(doc::text, '\\uD') = 0 THEN doc
    ELSE regexp_replace(replace(doc::text, '\\\\', '\\u005c'), '\\\\u(0000|[dD][89a-fA-F][0-9a-fA-F]{2})', '\\\\ufffd', 'g')::json
  END
$$`;
