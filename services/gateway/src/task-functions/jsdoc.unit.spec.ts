import { describe, expect, it } from "vitest";
import { readTaskDoc } from "./jsdoc.js";

/** Block comments as acorn hands them over: the text between `/*` and `*\/`. */
const block = (text: string) => text.replace(/^\/\*/, "").replace(/\*\/$/, "");

describe("readTaskDoc", () => {
  it("reads @description and every @param form", () => {
    const doc = readTaskDoc([
      block(`/**
       * @task
       * @description Lists domains,
       *   then their users.
       * @param {string} customer - the customer id
       * @param {number} [limit] - at most this many
       * @param {boolean} [verbose=false] say more
       * @param {Object=} filter optional the JSDoc way
       * @param untyped
       */`),
    ]);
    expect(doc).toEqual({
      description: "Lists domains,\nthen their users.",
      params: [
        { name: "customer", type: "string", description: "the customer id", optional: false },
        { name: "limit", type: "number", description: "at most this many", optional: true },
        { name: "verbose", type: "boolean", description: "say more", optional: true },
        { name: "filter", type: "Object", description: "optional the JSDoc way", optional: true },
        { name: "untyped", type: "any", description: "", optional: false },
      ],
      uses: [],
    });
  });

  it("prefers the block tagged @task, and falls back to its leading text", () => {
    const doc = readTaskDoc([block("/** A helper, not the task. */"), block(" plain comment "), block("/**\n * Sends mail.\n * @task\n */")]);
    expect(doc).toEqual({ description: "Sends mail.", params: [], uses: [] });
  });

  it("uses the first JSDoc block when none is tagged, and nothing without JSDoc", () => {
    expect(readTaskDoc([block("/* not JSDoc */"), block("/** First. */")]).description).toBe("First.");
    expect(readTaskDoc([block("/* not JSDoc */")])).toEqual({ description: "", params: [], uses: [] });
    expect(readTaskDoc([])).toEqual({ description: "", params: [], uses: [] });
  });

  it("reads every @uses entry, one or several per tag, each once, as written", () => {
    const doc = readTaskDoc([
      block(`/**
       * Summarises the web.
       * @uses websearch
       * @uses openai, keystore:openai-api-key
       * @uses database:notes database:tags,openai
       * @uses fax
       * @param {string} topic
       */`),
    ]);
    expect(doc.uses).toEqual(["websearch", "openai", "keystore:openai-api-key", "database:notes", "database:tags", "fax"]);
    expect(doc.params.map((param) => param.name)).toEqual(["topic"]);
  });

  it("reads @uses from every JSDoc block of the file: a licence header may come before the task's", () => {
    const doc = readTaskDoc([block("/** Copyright 2026 ACME. MIT licence. */"), block("/**\n * Summarises.\n * @uses openai\n */"), block("/** @uses websearch */")]);
    expect(doc).toEqual({ description: "Copyright 2026 ACME. MIT licence.", params: [], uses: ["openai", "websearch"] });
  });
});
