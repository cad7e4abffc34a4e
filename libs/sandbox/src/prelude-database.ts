/**
 * VM-side source of a part of the prelude compiled on first use (see `PRELUDE_PARTS`): a function of
 * the values the prelude captured that returns `{ databaseTools }`, the object both
 * `tools.database` and `tools.supabase` are. `from(table)` starts a supabase-js v2 style builder
 * whose state is a plain query object (the `DatabaseQuery` of `@tasker/database-proxy`); awaiting
 * it makes one call, `database.query(query)`, through `callHostTool`. Each method checks its own
 * arguments (a TypeError with code INVALID_ARGUMENT, naming the method and the argument) and uses no
 * intrinsic the task may have replaced (no Array.prototype method, a captured Promise then). No
 * randomness and no clock: the same code makes the same call in a replay.
 */
export const PRELUDE_DATABASE = String.raw`0 || function (captured) {
  "use strict";
  const { codedError, callHostTool, TypeErrorCtor, isArray, isInteger, freeze, apply, promiseThen } = captured;
  function badArgument(method, message) { return codedError(TypeErrorCtor, "INVALID_ARGUMENT", method + ": " + message); }
  function isRow(value) { return value !== null && typeof value === "object" && !isArray(value); }
  function checkColumn(method, column) {
    if (typeof column !== "string" || column === "") throw badArgument(method, "the column must be a non-empty string");
    return column;
  }
  function checkColumns(method, columns) {
    if (columns === undefined) return "*";
    if (typeof columns !== "string") throw badArgument(method, "the columns must be a string such as \"id,title\"");
    return columns;
  }
  function checkCount(method, value, what) {
    if (!isInteger(value) || value < 0) throw badArgument(method, what + " must be a non-negative integer");
    return value;
  }
  function rowsOf(method, values) {
    const rows = [];
    if (isRow(values)) {
      rows[0] = values;
      return rows;
    }
    if (!isArray(values) || values.length === 0) throw badArgument(method, "the values must be an object (a row) or a non-empty array of objects");
    for (let i = 0; i < values.length; i++) {
      if (!isRow(values[i])) throw badArgument(method, "row " + i + " must be an object of column values");
      rows[i] = values[i];
    }
    return rows;
  }
  function optionsOf(method, options) {
    if (options === undefined) return {};
    if (!isRow(options)) throw badArgument(method, "the options must be an object");
    return options;
  }

  // The builder of one query: every method records into query and returns the builder; awaiting it calls.
  function filterBuilder(query) {
    const builder = {};
    function filter(op, method, check) {
      return (column, value) => {
        const filters = query.filters === undefined ? (query.filters = []) : query.filters;
        filters[filters.length] = { column: checkColumn(method, column), op, value: check(value) };
        return builder;
      };
    }
    const anyValue = (value) => (value === undefined ? null : value);
    const pattern = (method) => (value) => {
      if (typeof value !== "string") throw badArgument(method, "the pattern must be a string");
      return value;
    };
    builder.eq = filter("eq", "eq", anyValue);
    builder.neq = filter("neq", "neq", anyValue);
    builder.gt = filter("gt", "gt", anyValue);
    builder.gte = filter("gte", "gte", anyValue);
    builder.lt = filter("lt", "lt", anyValue);
    builder.lte = filter("lte", "lte", anyValue);
    builder.like = filter("like", "like", pattern("like"));
    builder.ilike = filter("ilike", "ilike", pattern("ilike"));
    builder.in = filter("in", "in", (values) => {
      if (!isArray(values)) throw badArgument("in", "the values must be an array");
      const list = [];
      for (let i = 0; i < values.length; i++) list[i] = values[i];
      return list;
    });
    builder.is = filter("is", "is", (value) => {
      if (value !== null && value !== true && value !== false) throw badArgument("is", "the value must be null, true or false");
      return value;
    });
    builder.order = (column, options) => {
      const given = optionsOf("order", options);
      const ascending = given.ascending === undefined ? true : given.ascending;
      if (typeof ascending !== "boolean") throw badArgument("order", "ascending must be a boolean");
      if (given.nullsFirst !== undefined && typeof given.nullsFirst !== "boolean") throw badArgument("order", "nullsFirst must be a boolean");
      const order = query.order === undefined ? (query.order = []) : query.order;
      order[order.length] = given.nullsFirst === undefined ? { column: checkColumn("order", column), ascending } : { column: checkColumn("order", column), ascending, nullsFirst: given.nullsFirst };
      return builder;
    };
    builder.limit = (count) => {
      query.limit = checkCount("limit", count, "the count");
      return builder;
    };
    builder.range = (from, to) => {
      checkCount("range", from, "from");
      checkCount("range", to, "to");
      if (to < from) throw badArgument("range", "to must be at least from");
      query.offset = from;
      query.limit = to - from + 1;
      return builder;
    };
    builder.single = () => {
      query.single = "one";
      return builder;
    };
    builder.maybeSingle = () => {
      query.single = "maybe";
      return builder;
    };
    // After a write: return the written rows (their columns), as supabase-js's .select() does.
    builder.select = (columns) => {
      if (query.action === "select") throw badArgument("select", "the query already selects; give the columns to from(table).select(columns)");
      query.columns = checkColumns("select", columns);
      return builder;
    };
    builder.then = (onFulfilled, onRejected) => apply(promiseThen, callHostTool("database", ["query"], [query]), [onFulfilled, onRejected]);
    return builder;
  }

  function queryBuilder(table) {
    return freeze({
      select: (columns, options) => {
        const query = { table, action: "select", columns: checkColumns("select", columns) };
        const given = optionsOf("select", options);
        if (given.count !== undefined) {
          if (given.count !== "exact") throw badArgument("select", "count must be \"exact\"");
          query.count = "exact";
        }
        return filterBuilder(query);
      },
      insert: (values) => filterBuilder({ table, action: "insert", rows: rowsOf("insert", values) }),
      upsert: (values, options) => {
        const query = { table, action: "upsert", rows: rowsOf("upsert", values) };
        const given = optionsOf("upsert", options);
        if (given.onConflict !== undefined) {
          if (typeof given.onConflict !== "string" || given.onConflict === "") throw badArgument("upsert", "onConflict must be the conflict columns, such as \"id\" or \"a,b\"");
          query.onConflict = given.onConflict;
        }
        if (given.ignoreDuplicates !== undefined) {
          if (typeof given.ignoreDuplicates !== "boolean") throw badArgument("upsert", "ignoreDuplicates must be a boolean");
          query.ignoreDuplicates = given.ignoreDuplicates;
        }
        return filterBuilder(query);
      },
      update: (values) => {
        if (!isRow(values)) throw badArgument("update", "the values must be an object of column values");
        return filterBuilder({ table, action: "update", values });
      },
      delete: () => filterBuilder({ table, action: "delete" }),
    });
  }

  const databaseTools = freeze({
    from: (table) => {
      if (typeof table !== "string" || table === "") throw badArgument("from", "the table must be a non-empty string");
      return queryBuilder(table);
    },
  });
  return { databaseTools };
}`;
