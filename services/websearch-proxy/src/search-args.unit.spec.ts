import type { JsonValue } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { searchRequestOf } from "./search-args.js";

const failureOf = (args: JsonValue[]) => {
  try {
    searchRequestOf(args);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("the arguments were accepted");
};

describe("searchRequestOf: search(query, {maxResults})", () => {
  it("takes a query, trimmed, with 10 results unless maxResults says otherwise", () => {
    expect(searchRequestOf(["  black holes "])).toEqual({ query: "black holes", maxResults: 10 });
    expect(searchRequestOf(["black holes", null])).toEqual({ query: "black holes", maxResults: 10 });
    expect(searchRequestOf(["black holes", {}])).toEqual({ query: "black holes", maxResults: 10 });
    expect(searchRequestOf(["black holes", { maxResults: 1 }])).toEqual({ query: "black holes", maxResults: 1 });
    expect(searchRequestOf(["black holes", { maxResults: 30 }])).toEqual({ query: "black holes", maxResults: 30 });
  });

  it("refuses an empty, blank, missing or non-string query INVALID_ARGUMENT, naming query", () => {
    for (const args of [[], [""], ["   \n"], [42], [{ q: "x" }], [null]] as JsonValue[][]) {
      expect(failureOf(args)).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/^websearch\.search: query must/) });
    }
    expect(failureOf(["x".repeat(501)]).message).toContain("at most 500 characters");
  });

  it("refuses a bad maxResults or options INVALID_ARGUMENT, naming the field", () => {
    for (const maxResults of [0, 31, 2.5, -1, "5", null]) {
      expect(failureOf(["q", { maxResults }])).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("options.maxResults must be an integer from 1 to 30") });
    }
    expect(failureOf(["q", { limit: 5 }]).message).toContain("options.limit is not an option");
    expect(failureOf(["q", 5]).message).toContain("options must be an object");
    expect(failureOf(["q", {}, "extra"]).message).toContain("given 3 arguments");
  });
});
