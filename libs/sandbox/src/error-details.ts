import { Buffer } from "node:buffer";
import { type ErrorDetails, findUnstorableJson, jsonBytes, type JsonValue, MAX_ERROR_CAUSE_DEPTH, MAX_ERROR_DETAILS_BYTES } from "@tasker/contracts";
import type { SandboxError } from "./types.js";

/** The key of the note saying what was dropped from an error: short, and unlikely to name a property of one. */
export const DROPPED_NOTE_KEY = "…";

/** Bytes of `MAX_ERROR_DETAILS_BYTES` kept free for the note. */
const NOTE_BYTES = 512;

/**
 * What the prelude reported of an Error's parts besides its fields: `details` as `[key, JSON]` pairs,
 * an AggregateError's `errors` as records, and what it dropped (counts, and why the cause went).
 */
export type ErrorPartsRecord = { details?: unknown; detailsDropped?: unknown; errors?: unknown; errorsDropped?: unknown; causeDropped?: unknown };

/**
 * The `details` of an error at `depth` levels of cause: an AggregateError's errors (each made an
 * error by `toError`, one level deeper) under `errors`, then the reported properties, in order, each
 * kept while the whole stays within `MAX_ERROR_DETAILS_BYTES` of storable JSON. Whatever is dropped
 * here or in the prelude (properties, errors, the cause: `causeDropped`) is said in `details["…"]`.
 * Undefined when there is nothing to say.
 */
export function errorDetails(record: ErrorPartsRecord, causeDropped: "depth" | "cycle" | undefined, toError: (record: unknown) => SandboxError): ErrorDetails | undefined {
  const details: ErrorDetails = {};
  let left = MAX_ERROR_DETAILS_BYTES - NOTE_BYTES;
  let dropped = count(record.detailsDropped);
  let errorsDropped = count(record.errorsDropped);
  if (Array.isArray(record.errors)) {
    const errors: JsonValue[] = [];
    for (const element of record.errors as unknown[]) {
      const error = toError(element);
      const bytes = jsonBytes(error) + 1;
      if (bytes > left || findUnstorableJson({ errors: [error] }) !== undefined) errorsDropped++;
      else {
        left -= bytes;
        errors.push(error);
      }
    }
    define(details, "errors", errors);
  }
  for (const pair of Array.isArray(record.details) ? (record.details as unknown[]) : []) {
    const [key, json] = Array.isArray(pair) ? (pair as unknown[]) : [];
    if (typeof key !== "string" || typeof json !== "string" || Object.hasOwn(details, key)) continue;
    const value = parsed(json);
    const bytes = Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(json) + 2;
    if (value === undefined || bytes > left || findUnstorableJson({ [key]: value }) !== undefined) dropped++;
    else {
      left -= bytes;
      define(details, key, value);
    }
  }
  const note = droppedNote(dropped, errorsDropped, causeDropped);
  if (note !== undefined) define(details, DROPPED_NOTE_KEY, note);
  return Object.keys(details).length > 0 ? details : undefined;
}

function droppedNote(dropped: number, errorsDropped: number, causeDropped: "depth" | "cycle" | undefined): string | undefined {
  const notes: string[] = [];
  if (dropped > 0) notes.push(`${dropped} of its properties dropped: not JSON, not storable, or over the limit of ${MAX_ERROR_DETAILS_BYTES} bytes of JSON`);
  if (errorsDropped > 0) notes.push(`${errorsDropped} of its errors dropped: over the limit of ${MAX_ERROR_DETAILS_BYTES} bytes of JSON or of ${MAX_ERROR_CAUSE_DEPTH} levels of nesting`);
  if (causeDropped === "depth") notes.push(`its cause dropped: over the limit of ${MAX_ERROR_CAUSE_DEPTH} levels of cause`);
  if (causeDropped === "cycle") notes.push("its cause dropped: an error already in its chain of causes");
  return notes.length > 0 ? notes.join("; ") : undefined;
}

/** Sets `key` as an own property even when it is `__proto__`. */
function define(details: ErrorDetails, key: string, value: JsonValue): void {
  Object.defineProperty(details, key, { value, enumerable: true, writable: true, configurable: true });
}

function parsed(json: string): JsonValue | undefined {
  try {
    return JSON.parse(json) as JsonValue;
  } catch {
    return undefined;
  }
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
