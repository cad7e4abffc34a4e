import type { ErrorInfo } from "@tasker/contracts";

/** The services a task calls without declaring them (`tools.log` is no call at all). */
export const UNDECLARED_SERVICES: ReadonlySet<string> = new Set(["tasks", "sleep", "signals"]);

/** The services a task must declare with `@uses` to call them. */
export const DECLARED_SERVICES: ReadonlySet<string> = new Set(["gapi", "openai", "websearch", "keystore", "database"]);

/** The services whose declaration may name what it covers: `keystore:<secret name>`, `database:<table>`. */
const NAMED_SERVICES: ReadonlySet<string> = new Set(["keystore", "database"]);

/** A secret's or a table's name in a declaration: 1-200 letters, digits, '.', '_', '-' and '/' (the keystore's rule). */
const USE_NAME = /^[A-Za-z0-9._/-]{1,200}$/;
/** The longest name a need carries into a message; a longer one is cut (and so matches no declaration). */
const MAX_NAME_CHARS = 200;

/** A call as far as permissions go. */
interface UseCall {
  readonly service: string;
  readonly method: readonly string[];
  readonly args: readonly unknown[];
}

/** The calling task, as its published version declares it. */
export interface Caller {
  /** The task's name. */
  readonly task: string;
  /** Its `@uses` entries (`task.published`'s `uses`). */
  readonly uses: readonly string[];
}

/**
 * Why `entry` (one `@uses` entry) is malformed, or undefined when it is well formed: a service of
 * `DECLARED_SERVICES`, alone or (keystore, database) followed by `:` and a secret's or table's name.
 */
export function useEntryProblem(entry: string): string | undefined {
  const colon = entry.indexOf(":");
  const service = colon < 0 ? entry : entry.slice(0, colon);
  if (!DECLARED_SERVICES.has(service)) {
    const free = UNDECLARED_SERVICES.has(service) || service === "log" ? ` (${service} needs no declaration)` : "";
    return `"${entry}" names no service that needs declaring${free}: use one of ${[...DECLARED_SERVICES].join(", ")}`;
  }
  if (colon < 0) return undefined;
  if (!NAMED_SERVICES.has(service)) return `"${entry}": only keystore and database declarations name what they cover; write "${service}"`;
  const name = entry.slice(colon + 1);
  if (!USE_NAME.test(name)) return `"${entry}": the name after "${service}:" must be 1-200 letters, digits, '.', '_', '-' and '/'`;
  return undefined;
}

/**
 * The declaration `call` needs: undefined for a service of `UNDECLARED_SERVICES` (or one that does
 * not exist: admission refuses it anyway); `keystore:<name>` for a keystore call naming a secret
 * (`args[0]`), `database:<table>` for a query (`args[0].table`); else the service's name (`openai`,
 * `keystore` for `list()`). A name no declaration can spell (a table `"my notes"`; one past 200
 * characters, cut) still makes a named need, which only the bare service covers: a declaration of one
 * table never lets a task reach another whose name it could not have declared.
 */
export function requiredUse(call: UseCall): string | undefined {
  if (!DECLARED_SERVICES.has(call.service)) return undefined;
  const name = call.service === "keystore" ? call.args[0] : call.service === "database" ? tableOf(call.args[0]) : undefined;
  if (typeof name !== "string") return call.service;
  return `${call.service}:${name.length > MAX_NAME_CHARS ? `${name.slice(0, MAX_NAME_CHARS)}…` : name}`;
}

function tableOf(query: unknown): unknown {
  return typeof query === "object" && query !== null ? (query as { table?: unknown }).table : undefined;
}

/**
 * Whether `uses` covers `need` (from `requiredUse`): a named need (`keystore:k`) by itself or by its
 * service alone (`keystore`); a need without a name (`keystore` for `list()`) by any declaration of
 * its service.
 */
export function isDeclared(uses: readonly string[], need: string): boolean {
  if (uses.includes(need)) return true;
  const colon = need.indexOf(":");
  if (colon >= 0) return uses.includes(need.slice(0, colon));
  return uses.some((use) => use.startsWith(`${need}:`));
}

/** What `need` would give the task, for messages: the service, and the secret or table when named. */
function described(need: string): string {
  const [service, name] = need.split(/:(.*)/s);
  if (name === undefined) return service!;
  return service === "keystore" ? `keystore secret "${name}"` : `database table "${name}"`;
}

/**
 * The refusal of `call` when enforcement is on and `caller` did not declare what it needs: code
 * `PERMISSION_DENIED`, naming the task, the service (and secret or table) and the line to add.
 * Undefined when the call needs nothing undeclared. Never holds an argument but the secret's or
 * table's name.
 */
export function useRefusal(call: UseCall, caller: Caller): ErrorInfo | undefined {
  const need = undeclaredNeed(call, caller);
  if (need === undefined) return undefined;
  const message = `task "${caller.task}" may not use ${described(need)}: its JSDoc does not declare it; add the line "@uses ${need}" (TASKER_ENFORCE_USES is on)`;
  return { code: "PERMISSION_DENIED", name: "Error", message };
}

/**
 * The undeclared needs of `calls` (admitted with enforcement off) not in `warnedBefore`, each once,
 * with the warning the run's log shows for it: what enforcement would refuse, and what to declare.
 */
export function useWarnings(calls: readonly UseCall[], caller: Caller, warnedBefore: ReadonlySet<string>): { need: string; message: string }[] {
  const warned = new Set(warnedBefore);
  const warnings: { need: string; message: string }[] = [];
  for (const call of calls) {
    const need = undeclaredNeed(call, caller);
    if (need === undefined || warned.has(need)) continue;
    warned.add(need);
    const message = `task "${caller.task}" uses ${described(need)} without declaring it: with TASKER_ENFORCE_USES=true this call fails with PERMISSION_DENIED; add the line "@uses ${need}" to its JSDoc`;
    warnings.push({ need, message });
  }
  return warnings;
}

function undeclaredNeed(call: UseCall, caller: Caller): string | undefined {
  const need = requiredUse(call);
  return need === undefined || isDeclared(caller.uses, need) ? undefined : need;
}
