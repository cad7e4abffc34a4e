import type { JsonValue } from "@tasker/contracts";

/** What a method handler knows of the call it serves. */
export interface CallContext {
  /** The service's name as tasks call it: `gapi`, `keystore`, ... */
  readonly service: string;
  /** The method path as the task wrote it: `["admin", "directory", "domains", "list"]`. */
  readonly method: readonly string[];
  readonly taskRunId: string;
  /** The run's namespace: a method touching a namespace's data (the keystore's secrets) stays in it. */
  readonly namespace: string;
  readonly stackRunId: string;
  /** 1 for the first attempt, one more for each retry or take-over. */
  readonly attempt: number;
  /** Aborted when the attempt's timeout passes: pass it to the SDK so its request is dropped. */
  readonly signal: AbortSignal;
}

/**
 * One method a service offers: takes the call's arguments (JSON, as the task passed them) and
 * returns the JSON result the task receives. It throws `ServiceCallError` for a failure it can
 * classify; anything else thrown goes through the service's `classify`.
 */
export type MethodHandler<Client> = (client: Client, args: readonly JsonValue[], context: CallContext) => Promise<JsonValue>;

/**
 * The methods a service exposes: its allowlist. `resolve` maps a task's method path to its handler
 * (undefined: not offered, the call fails `UNKNOWN_METHOD` naming the path); `names` lists what is
 * offered, for that error's message and the docs.
 */
export interface MethodTable<Client> {
  resolve(path: readonly string[]): MethodHandler<Client> | undefined;
  names(): readonly string[];
}

/** A method table from a plain record keyed by the dotted path (`"users.messages.list"`). */
export function methodTable<Client>(methods: Readonly<Record<string, MethodHandler<Client>>>): MethodTable<Client> {
  return {
    resolve: (path) => (Object.hasOwn(methods, path.join(".")) ? methods[path.join(".")] : undefined),
    names: () => Object.keys(methods),
  };
}
